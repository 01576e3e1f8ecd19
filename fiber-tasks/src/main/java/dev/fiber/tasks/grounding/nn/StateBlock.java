package dev.fiber.tasks.grounding.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A DJL block whose children and parameters carry the names of the official PyTorch module tree, so that
 * the dotted path of every parameter equals its state-dict key (e.g.
 * {@code fusion_backbone.backbone.body.layers.2.blocks.14.attn.qkv_i2t.weight}).
 *
 * <p>DJL prefixes child names with a running number; this class keeps its own name map next to DJL's
 * child list so that {@link StateDictLoader} can walk the tree by the official names. Parameters are DJL
 * {@link Parameter}s whose arrays are set by the loader; the expected shape of each is recorded here and
 * checked on load. Buffers of the official modules that live in the state dict (e.g.
 * {@code relative_position_index}) are parameters that do not require gradients.
 */
public abstract class StateBlock extends AbstractBlock {

    private final Map<String, Block> named = new LinkedHashMap<>();
    private final Map<String, Parameter> namedParameters = new LinkedHashMap<>();
    private final Map<String, Shape> expectedShapes = new LinkedHashMap<>();

    /** Creates a block (DJL block version 1). */
    protected StateBlock() {
        super((byte) 1);
    }

    /**
     * Registers a child under its official module name.
     *
     * @param name the attribute name in the official module ({@code "attn"}, {@code "0"}, ...)
     * @param block the child
     * @param <B> the child type
     * @return the child
     */
    protected final <B extends Block> B child(String name, B block) {
        if (named.containsKey(name) || namedParameters.containsKey(name)) {
            throw new IllegalArgumentException("duplicate module name " + name + " in " + getClass().getSimpleName());
        }
        named.put(name, block);
        return addChildBlock(name, block);
    }

    /**
     * Declares a trainable parameter under its official name.
     *
     * @param name the parameter name ({@code "weight"}, {@code "bias"}, {@code "alpha_i2t"}, ...)
     * @param shape its shape in the checkpoint
     * @return the parameter (its array is set by the loader)
     */
    protected final Parameter parameter(String name, Shape shape) {
        Parameter.Type type = "weight".equals(name) ? Parameter.Type.WEIGHT
                : "bias".equals(name) ? Parameter.Type.BIAS : Parameter.Type.OTHER;
        return register(name, shape, Parameter.builder().setName(name).setType(type).build());
    }

    /**
     * Declares a buffer that the official module keeps in its state dict (no gradient).
     *
     * @param name the buffer name
     * @param shape its shape in the checkpoint
     * @return the parameter holding it
     */
    protected final Parameter buffer(String name, Shape shape) {
        return register(name, shape,
                Parameter.builder().setName(name).setType(Parameter.Type.OTHER).optRequiresGrad(false).build());
    }

    private Parameter register(String name, Shape shape, Parameter p) {
        if (named.containsKey(name) || namedParameters.containsKey(name)) {
            throw new IllegalArgumentException("duplicate name " + name + " in " + getClass().getSimpleName());
        }
        namedParameters.put(name, p);
        expectedShapes.put(name, shape);
        return addParameter(p);
    }

    /** @return children by official name, in declaration order */
    public final Map<String, Block> namedChildren() {
        return Collections.unmodifiableMap(named);
    }

    /** @return direct parameters and buffers by official name, in declaration order */
    public final Map<String, Parameter> namedParameters() {
        return Collections.unmodifiableMap(namedParameters);
    }

    /**
     * @param name a direct parameter name
     * @return the shape the checkpoint must have for it
     */
    public final Shape expectedShape(String name) {
        return expectedShapes.get(name);
    }

    /**
     * The loaded value of a parameter.
     *
     * @param p a parameter of this block
     * @return its array
     * @throws IllegalStateException if the weights have not been loaded
     */
    protected static NDArray value(Parameter p) {
        if (!p.isInitialized()) {
            throw new IllegalStateException("parameter " + p.getName() + " has not been loaded from a checkpoint");
        }
        return p.getArray();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return outputShapes(inputShapes);
    }

    /**
     * Output shapes for the given input shapes of {@link #forwardInternal}.
     *
     * @param inputShapes input shapes
     * @return output shapes
     */
    protected abstract Shape[] outputShapes(Shape[] inputShapes);
}
