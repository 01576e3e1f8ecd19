package dev.fiber.tasks.grounding.head;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.tasks.grounding.nn.DeformConv2d;
import dev.fiber.tasks.grounding.nn.GroupNormBlock;
import dev.fiber.tasks.grounding.nn.StateBlock;

/**
 * {@code Conv3x3Norm} of VLDyHead with {@code USE_DFCONV} and {@code USE_GN}: {@code conv} (3x3 modulated
 * deformable conv, padding 1, stride 1 or 2, bias) then {@code bn} (GroupNorm).
 */
public final class DeformConvNorm extends StateBlock {

    private final DeformConv2d conv;
    private final GroupNormBlock bn;

    /**
     * @param in input channels
     * @param out output channels
     * @param stride 1 or 2
     * @param groups GroupNorm groups ({@code MODEL.GROUP_NORM.NUM_GROUPS}, 16)
     * @param eps GroupNorm epsilon (the {@code nn.GroupNorm} default 1e-5)
     */
    public DeformConvNorm(long in, long out, int stride, int groups, float eps) {
        conv = child("conv", new DeformConv2d(in, out, 3, stride, 1));
        bn = child("bn", new GroupNormBlock(out, groups, eps));
    }

    /**
     * @param x input
     * @param offset offsets of the DyConv's level
     * @param mask modulation of the DyConv's level
     * @return {@code bn(conv(x, offset, mask))}
     */
    public NDArray forward(NDArray x, NDArray offset, NDArray mask) {
        return bn.forward(conv.forward(x, offset, mask));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        return new NDList(forward(in.get(0), in.get(1), in.get(2)));
    }

    @Override
    protected Shape[] outputShapes(Shape[] in) {
        return conv.getOutputShapes(in);
    }
}
