package dev.fiber.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * PyTorch {@code nn.Linear}: state-dict entries {@code weight} (out, in) and optionally {@code bias} (out).
 */
public final class LinearLayer extends StateDictBlock {

    private final int in;
    private final int out;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * @param in input features
     * @param out output features
     * @param withBias whether there is a {@code bias}
     */
    public LinearLayer(int in, int out, boolean withBias) {
        this.in = in;
        this.out = out;
        weight = param("weight", Parameter.Type.WEIGHT, new Shape(out, in), ParamInit.NORMAL);
        bias = withBias ? param("bias", Parameter.Type.BIAS, new Shape(out), ParamInit.ZEROS) : null;
    }

    /**
     * @param ctx forward context
     * @param x (..., in)
     * @return (..., out)
     */
    public NDArray forward(ForwardContext ctx, NDArray x) {
        return Nn.linear(x, ctx.value(weight, x), bias == null ? null : ctx.value(bias, x));
    }

    /** @return input features */
    public int inFeatures() {
        return in;
    }

    /** @return output features */
    public int outFeatures() {
        return out;
    }

    /** @return the weight parameter */
    public Parameter weight() {
        return weight;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(new ForwardContext(ps, training), inputs.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {s.slice(0, s.dimension() - 1).add(out)};
    }
}
