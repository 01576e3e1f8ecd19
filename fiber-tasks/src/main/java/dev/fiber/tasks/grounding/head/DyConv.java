package dev.fiber.tasks.grounding.head;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.core.ops.Interpolation;
import dev.fiber.core.ops.Scoped;
import dev.fiber.tasks.grounding.Trace;
import dev.fiber.tasks.grounding.nn.Container;
import dev.fiber.tasks.grounding.nn.Conv2d;
import dev.fiber.tasks.grounding.nn.StateBlock;

/**
 * One layer of the dynamic head tower ({@code DyConv} of {@code rpn/vldyhead.py}, key
 * {@code dyhead_tower.{i}}), with deformable convs, scale-aware attention and dynamic ReLU.
 *
 * <p>For each level {@code l}: {@code offset} (3x3 conv, 27 channels) of {@code F_l} gives 18 offset
 * channels and {@code sigmoid} of 9 mask channels; the candidates are {@code DyConv.1(F_l)},
 * {@code DyConv.2(F_{l-1})} (stride 2, if {@code l > 0}) and
 * {@code upsample_bilinear(DyConv.0(F_{l+1}), size of F_l)} (align corners, if {@code l} is not the last)
 * — all with level {@code l}'s offsets and mask (the coarser level reads them as raw memory, see
 * {@link dev.fiber.core.ops.ModulatedDeformConv#reinterpret}). Each candidate is weighted by
 * {@code h_sigmoid(relu(AttnConv.1(avgpool(f))))}, the weighted candidates are averaged, and
 * {@code relu} ({@link DyReLU}) is applied.
 */
public final class DyConv extends StateBlock {

    private final DeformConvNorm[] convs = new DeformConvNorm[3];
    private final Conv2d attnConv;
    private final DyReLU relu;
    private final Conv2d offset;

    /**
     * @param in input channels
     * @param out output channels
     * @param squeeze DyReLU hidden width
     * @param gnGroups GroupNorm groups
     */
    public DyConv(long in, long out, long squeeze, int gnGroups) {
        Container list = child("DyConv", new Container());
        convs[0] = list.add("0", new DeformConvNorm(in, out, 1, gnGroups, 1e-5f));
        convs[1] = list.add("1", new DeformConvNorm(in, out, 1, gnGroups, 1e-5f));
        convs[2] = list.add("2", new DeformConvNorm(in, out, 2, gnGroups, 1e-5f));
        Container attn = child("AttnConv", new Container());
        attnConv = attn.add("1", new Conv2d(in, 1, 1, 1, 0, true));
        relu = child("relu", new DyReLU(out, squeeze));
        offset = child("offset", new Conv2d(in, 27, 3, 1, 1, true));
    }

    /**
     * @param levels feature maps, finest first
     * @return the new feature maps
     */
    public NDList forward(NDList levels) {
        return forward(levels, Trace.NONE, "");
    }

    /**
     * @param levels feature maps, finest first
     * @param trace receives each new level as {@code prefix + ".l" + level} as soon as it is computed
     * @param prefix trace key prefix, e.g. {@code head.tower0}
     * @return the new feature maps
     */
    public NDList forward(NDList levels, Trace trace, String prefix) {
        NDList next = new NDList();
        int n = levels.size();
        for (int l = 0; l < n; l++) {
            int level = l;
            NDArray out = Scoped.keep(() -> level(levels, level));
            trace.record(prefix + ".l" + l, out);
            next.add(out);
        }
        return next;
    }

    private NDArray level(NDList levels, int l) {
        NDArray feature = levels.get(l);
        NDArray om = offset.forward(feature);
        NDArray off = om.get(":, 0:18");
        NDArray mask = om.get(":, 18:").getNDArrayInternal().sigmoid();
        NDList candidates = new NDList();
        candidates.add(convs[1].forward(feature, off, mask));
        if (l > 0) {
            candidates.add(convs[2].forward(levels.get(l - 1), off, mask));
        }
        if (l < levels.size() - 1) {
            Shape s = feature.getShape();
            candidates.add(Interpolation.bilinearAlignCorners(
                    convs[0].forward(levels.get(l + 1), off, mask), (int) s.get(2), (int) s.get(3)));
        }
        NDArray sum = null;
        for (NDArray f : candidates) {
            NDArray gate = HSigmoid.apply(Activation.relu(attnConv.forward(GlobalAvgPool.apply(f))));
            NDArray weighted = f.mul(gate);
            sum = sum == null ? weighted : sum.add(weighted);
        }
        return relu.forward(sum.div((float) candidates.size()));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        return forward(in);
    }

    @Override
    protected Shape[] outputShapes(Shape[] in) {
        return in;
    }
}
