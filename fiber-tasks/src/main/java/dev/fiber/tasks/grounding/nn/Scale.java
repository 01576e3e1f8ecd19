package dev.fiber.tasks.grounding.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** maskrcnn-benchmark {@code Scale}: multiplies its input by a learned scalar {@code scale}. */
public final class Scale extends StateBlock {

    private final Parameter scale;

    /** Creates the module with its one-element {@code scale}. */
    public Scale() {
        scale = parameter("scale", new Shape(1));
    }

    /**
     * @param x input
     * @return {@code x * scale}
     */
    public NDArray forward(NDArray x) {
        return x.mul(value(scale));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        return new NDList(forward(in.head()));
    }

    @Override
    protected Shape[] outputShapes(Shape[] in) {
        return new Shape[] {in[0]};
    }
}
