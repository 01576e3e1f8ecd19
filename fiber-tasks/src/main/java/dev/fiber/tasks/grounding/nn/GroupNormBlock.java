package dev.fiber.tasks.grounding.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.core.ops.GroupNorm;

/** {@code nn.GroupNorm} with per-channel affine {@code weight}/{@code bias}. */
public final class GroupNormBlock extends StateBlock {

    private final Parameter weight;
    private final Parameter bias;
    private final int groups;
    private final float eps;

    /**
     * @param channels channels
     * @param groups groups (must divide channels)
     * @param eps variance epsilon
     */
    public GroupNormBlock(long channels, int groups, float eps) {
        if (groups <= 0 || channels % groups != 0) {
            throw new IllegalArgumentException(groups + " groups do not divide " + channels + " channels");
        }
        this.groups = groups;
        this.eps = eps;
        weight = parameter("weight", new Shape(channels));
        bias = parameter("bias", new Shape(channels));
    }

    /**
     * @param x {@code (B, C, ...)}
     * @return normalised {@code x}
     */
    public NDArray forward(NDArray x) {
        return GroupNorm.apply(x, groups, value(weight), value(bias), eps);
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
