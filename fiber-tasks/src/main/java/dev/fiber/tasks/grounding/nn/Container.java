package dev.fiber.tasks.grounding.nn;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A named container of child blocks without parameters of its own: the counterpart of
 * {@code nn.Sequential} / {@code nn.ModuleList} / plain wrapper modules of the official code
 * (e.g. {@code language_backbone.body}, {@code layers}, {@code dyhead_tower}). Its DJL forward chains
 * the children in order, as {@code nn.Sequential} does.
 */
public class Container extends StateBlock {

    /**
     * Adds a child.
     *
     * @param name official name ({@code "0"}, {@code "body"}, ...)
     * @param block the child
     * @param <B> child type
     * @return the child
     */
    public <B extends Block> B add(String name, B block) {
        return child(name, block);
    }

    /**
     * @param name official name of a child
     * @return the child
     * @throws IllegalArgumentException if absent
     */
    public Block get(String name) {
        Block b = namedChildren().get(name);
        if (b == null) {
            throw new IllegalArgumentException("no module " + name + " in container");
        }
        return b;
    }

    /** @return number of children */
    public int size() {
        return namedChildren().size();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList x = inputs;
        for (Block b : namedChildren().values()) {
            x = b.forward(ps, x, training, params);
        }
        return x;
    }

    @Override
    protected Shape[] outputShapes(Shape[] inputShapes) {
        Shape[] s = inputShapes;
        for (Block b : namedChildren().values()) {
            s = b.getOutputShapes(s);
        }
        return s;
    }
}
