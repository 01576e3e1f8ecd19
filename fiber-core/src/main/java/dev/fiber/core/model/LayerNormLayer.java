package dev.fiber.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * PyTorch {@code nn.LayerNorm} over the last axis: state-dict entries {@code weight} and {@code bias}.
 * The epsilon is part of the architecture (1e-5 for Swin, RoBERTa and the classifiers, 1e-12 for
 * the MLM head transform, quirk 1).
 */
public final class LayerNormLayer extends StateDictBlock {

    private final Parameter weight;
    private final Parameter bias;
    private final double eps;

    /**
     * @param dim normalised width
     * @param eps epsilon
     */
    public LayerNormLayer(int dim, double eps) {
        this.eps = eps;
        weight = param("weight", Parameter.Type.GAMMA, new Shape(dim), ParamInit.ONES);
        bias = param("bias", Parameter.Type.BETA, new Shape(dim), ParamInit.ZEROS);
    }

    /**
     * @param ctx forward context
     * @param x (..., dim)
     * @return normalised x
     */
    public NDArray forward(ForwardContext ctx, NDArray x) {
        return Nn.layerNorm(x, ctx.value(weight, x), ctx.value(bias, x), eps);
    }

    /** @return the epsilon */
    public double eps() {
        return eps;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(new ForwardContext(ps, training), inputs.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
