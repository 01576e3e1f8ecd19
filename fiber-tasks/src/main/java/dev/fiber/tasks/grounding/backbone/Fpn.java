package dev.fiber.tasks.grounding.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.core.ops.Interpolation;
import dev.fiber.tasks.grounding.nn.Container;
import dev.fiber.tasks.grounding.nn.Conv2d;
import dev.fiber.tasks.grounding.nn.StateBlock;

/**
 * Feature pyramid with RetinaNet's P6/P7 ({@code backbone/fpn.py} {@code FPN} + {@code LastLevelP6P7},
 * key {@code backbone.fpn}).
 *
 * <p>Lateral 1x1 convs {@code fpn_inner{k}} and output 3x3 convs {@code fpn_layer{k}} exist for the
 * backbone outputs {@code k = first..last} (FIBER: 2..4, i.e. strides 8, 16, 32; the stride-4 output is
 * not used). Top-down: {@code last = inner_last(C_last)}, then {@code last = inner_k(C_k) + nearest(last,
 * size of C_k)}; {@code P_k = layer_k(last)}. Then {@code P6 = p6(P_last)} (P5, since in = out channels)
 * and {@code P7 = p7(relu(P6))}, both 3x3 stride 2.
 */
public final class Fpn extends StateBlock {

    private final int first;
    private final Conv2d[] inner;
    private final Conv2d[] layer;
    private final Conv2d p6;
    private final Conv2d p7;
    private final long out;

    /**
     * @param inChannels channels of backbone outputs {@code first..first+n-1}
     * @param first index (1-based, as in the official names) of the first output with an FPN branch
     * @param out FPN channels
     */
    public Fpn(long[] inChannels, int first, long out) {
        this.first = first;
        this.out = out;
        inner = new Conv2d[inChannels.length];
        layer = new Conv2d[inChannels.length];
        for (int i = 0; i < inChannels.length; i++) {
            inner[i] = child("fpn_inner" + (first + i), new Conv2d(inChannels[i], out, 1, 1, 0, true));
            layer[i] = child("fpn_layer" + (first + i), new Conv2d(out, out, 3, 1, 1, true));
        }
        Container top = child("top_blocks", new Container());
        p6 = top.add("p6", new Conv2d(out, out, 3, 2, 1, true));
        p7 = top.add("p7", new Conv2d(out, out, 3, 2, 1, true));
    }

    /**
     * @param features all backbone outputs (NCHW), index 0 = stride 4; those before {@code first - 1}
     *     are ignored
     * @return pyramid levels P3..P7 (for FIBER), finest first
     */
    public NDList forward(NDList features) {
        int n = inner.length;
        if (features.size() < first - 1 + n) {
            throw new IllegalArgumentException("FPN needs " + (first - 1 + n) + " backbone outputs, got " + features.size());
        }
        NDArray[] results = new NDArray[n];
        NDArray last = inner[n - 1].forward(features.get(first - 2 + n));
        results[n - 1] = layer[n - 1].forward(last);
        for (int i = n - 2; i >= 0; i--) {
            NDArray lateral = inner[i].forward(features.get(first - 1 + i));
            Shape ls = lateral.getShape();
            Shape ts = last.getShape();
            NDArray topDown = ls.get(2) == ts.get(2) && ls.get(3) == ts.get(3) ? last
                    : Interpolation.nearest(last, (int) ls.get(2), (int) ls.get(3));
            last = lateral.add(topDown);
            results[i] = layer[i].forward(last);
        }
        NDList outList = new NDList(results);
        NDArray q6 = p6.forward(results[n - 1]);
        outList.add(q6);
        outList.add(p7.forward(Activation.relu(q6)));
        return outList;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        return forward(in);
    }

    @Override
    protected Shape[] outputShapes(Shape[] in) {
        int n = inner.length;
        Shape[] res = new Shape[n + 2];
        for (int i = 0; i < n; i++) {
            Shape s = in[first - 1 + i];
            res[i] = new Shape(s.get(0), out, s.get(2), s.get(3));
        }
        Shape s = res[n - 1];
        for (int i = 0; i < 2; i++) {
            s = new Shape(s.get(0), out, (s.get(2) + 1) / 2, (s.get(3) + 1) / 2);
            res[n + i] = s;
        }
        return res;
    }
}
