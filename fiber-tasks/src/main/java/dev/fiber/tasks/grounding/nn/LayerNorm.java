package dev.fiber.tasks.grounding.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** {@code nn.LayerNorm} over the last dimension with affine {@code weight}/{@code bias}. */
public final class LayerNorm extends StateBlock {

    private final Parameter weight;
    private final Parameter bias;
    private final long dim;
    private final float eps;

    /**
     * @param dim normalised (last) dimension
     * @param eps variance epsilon (1e-5 everywhere in FIBER)
     */
    public LayerNorm(long dim, float eps) {
        this.dim = dim;
        this.eps = eps;
        weight = parameter("weight", new Shape(dim));
        bias = parameter("bias", new Shape(dim));
    }

    /**
     * @param x input {@code (..., dim)}
     * @return normalised input
     */
    public NDArray forward(NDArray x) {
        if (x.getShape().get(x.getShape().dimension() - 1) != dim) {
            throw new IllegalArgumentException("layer norm expects last dim " + dim + ", got " + x.getShape());
        }
        return ai.djl.nn.norm.LayerNorm.layerNorm(x, new Shape(dim), value(weight), value(bias), eps).head();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
        return new NDList(forward(inputs.head()));
    }

    @Override
    protected Shape[] outputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
