package dev.fiber.tasks.grounding.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** {@code nn.Linear}: {@code y = x Wᵀ + b}, weight {@code (out, in)}, optional bias {@code (out)}. */
public final class Linear extends StateBlock {

    private final Parameter weight;
    private final Parameter bias;
    private final long in;
    private final long out;

    /**
     * @param in input features
     * @param out output features
     * @param hasBias whether the module has a bias
     */
    public Linear(long in, long out, boolean hasBias) {
        this.in = in;
        this.out = out;
        weight = parameter("weight", new Shape(out, in));
        bias = hasBias ? parameter("bias", new Shape(out)) : null;
    }

    /**
     * @param x input {@code (..., in)}
     * @return {@code (..., out)}
     */
    public NDArray forward(NDArray x) {
        if (x.getShape().get(x.getShape().dimension() - 1) != in) {
            throw new IllegalArgumentException("linear expects last dim " + in + ", got " + x.getShape());
        }
        Shape s = x.getShape();
        NDArray b = bias == null ? null : value(bias);
        if (s.dimension() <= 2) {
            return ai.djl.nn.core.Linear.linear(x, value(weight), b).head();
        }
        // as one 2-d product, so that the bias is fused into it (addmm) instead of a separate pass
        try (NDArray flat = x.reshape(-1, in); NDArray y = ai.djl.nn.core.Linear.linear(flat, value(weight), b).head()) {
            return y.reshape(s.slice(0, s.dimension() - 1).add(out));
        }
    }

    /** @return the weight array {@code (out, in)} */
    public NDArray weight() {
        return value(weight);
    }

    /** @return output features */
    public long outFeatures() {
        return out;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
        return new NDList(forward(inputs.head()));
    }

    @Override
    protected Shape[] outputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {s.slice(0, s.dimension() - 1).add(out)};
    }
}
