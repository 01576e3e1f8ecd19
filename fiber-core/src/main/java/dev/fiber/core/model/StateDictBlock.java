package dev.fiber.core.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A DJL block that knows the PyTorch module path of each of its children and parameters, so the
 * dotted state-dict names of the official FIBER model ({@code vit_model.layers.2.blocks.15.attn.qkv.weight})
 * come out of a generic walk over the block tree ({@link #stateDictParameters()}); loading is by
 * name with no hand-written key table.
 *
 * <p>DJL's own child names carry a counter prefix ({@code "01attn"}); the names here are kept
 * separately and are exactly the official attribute names. Parameters are ordinary DJL
 * {@link Parameter}s (registered with {@link #addParameter}), so DJL training machinery sees them.
 */
public abstract class StateDictBlock extends AbstractBlock {

    private final LinkedHashMap<String, StateDictBlock> namedChildren = new LinkedHashMap<>();
    private final LinkedHashMap<String, ParamSlot> namedParams = new LinkedHashMap<>();
    private final LinkedHashMap<String, BufferSpec> namedBuffers = new LinkedHashMap<>();

    /**
     * Registers a sub-module under its official attribute name.
     *
     * @param name attribute name ({@code "attn"}, {@code "0"}, ...)
     * @param block the sub-module
     * @param <B> its type
     * @return {@code block}
     */
    protected final <B extends StateDictBlock> B child(String name, B block) {
        if (namedChildren.containsKey(name) || namedParams.containsKey(name)) {
            throw new IllegalStateException("duplicate state-dict name " + name);
        }
        addChildBlock(name, block);
        namedChildren.put(name, block);
        return block;
    }

    /**
     * Registers a learnable tensor under its official attribute name.
     *
     * @param name attribute name ({@code "weight"}, {@code "alpha_i2t"}, ...)
     * @param type DJL parameter type
     * @param shape shape in the official state dict
     * @param init initialiser for creation without checkpoint
     * @return the DJL parameter
     */
    protected final Parameter param(String name, Parameter.Type type, Shape shape, ParamInit init) {
        if (namedChildren.containsKey(name) || namedParams.containsKey(name)) {
            throw new IllegalStateException("duplicate state-dict name " + name);
        }
        Parameter p = addParameter(Parameter.builder().setName(name).setType(type).build());
        namedParams.put(name, new ParamSlot(p, shape, init));
        return p;
    }

    /**
     * Declares a buffer of the official module that this port recomputes.
     *
     * @param name attribute name
     * @param spec shape and expected values
     */
    protected final void buffer(String name, BufferSpec spec) {
        namedBuffers.put(name, spec);
    }

    /** @return the sub-modules by official attribute name, in registration order */
    public final Map<String, StateDictBlock> namedChildren() {
        return Collections.unmodifiableMap(namedChildren);
    }

    /** @return every parameter of this subtree by full dotted state-dict name, in module order */
    public final LinkedHashMap<String, ParamSlot> stateDictParameters() {
        LinkedHashMap<String, ParamSlot> out = new LinkedHashMap<>();
        collect("", out, null);
        return out;
    }

    /** @return every recomputed buffer of this subtree by full dotted state-dict name */
    public final LinkedHashMap<String, BufferSpec> stateDictBuffers() {
        LinkedHashMap<String, BufferSpec> out = new LinkedHashMap<>();
        collect("", null, out);
        return out;
    }

    private void collect(String prefix, Map<String, ParamSlot> params, Map<String, BufferSpec> buffers) {
        if (params != null) {
            namedParams.forEach((n, p) -> params.put(prefix + n, p));
        }
        if (buffers != null) {
            namedBuffers.forEach((n, b) -> buffers.put(prefix + n, b));
        }
        namedChildren.forEach((n, c) -> c.collect(prefix + n + ".", params, buffers));
    }

    /**
     * Makes every parameter of this subtree ready for DJL training: parameters without a value
     * (not in the checkpoint) get their {@link ParamInit}, and every parameter that requires a
     * gradient gets gradient tracking. Loaded values are kept. Input shapes are not needed (all
     * shapes are known from the configuration).
     *
     * @param manager owner of newly created parameter arrays
     * @param dataType data type of newly created parameter arrays
     * @param inputShapes ignored
     */
    @Override
    public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (ParamSlot slot : namedParams.values()) {
            Parameter p = slot.parameter();
            if (!p.isInitialized()) {
                p.setArray(slot.init().create(manager, slot.shape(), dataType));
            }
            if (p.requiresGradient()) {
                p.getArray().setRequiresGradient(true);
            }
        }
        for (StateDictBlock c : namedChildren.values()) {
            c.initialize(manager, dataType, inputShapes);
        }
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (StateDictBlock c : namedChildren.values()) {
            c.initialize(manager, dataType, inputShapes);
        }
    }

    /**
     * Creates the constant arrays this subtree needs at run time (window permutations, relative
     * position indices, shift masks) on the model's device, owned by the model's manager.
     *
     * @param manager the model's manager
     * @param floatType the model's floating data type
     */
    public final void prepareConstants(NDManager manager, DataType floatType) {
        createConstants(manager, floatType);
        for (StateDictBlock c : namedChildren.values()) {
            c.prepareConstants(manager, floatType);
        }
    }

    /**
     * Hook for {@link #prepareConstants}: create this block's own constants (default: none).
     *
     * @param manager the model's manager
     * @param floatType the model's floating data type
     */
    protected void createConstants(NDManager manager, DataType floatType) {}
}
