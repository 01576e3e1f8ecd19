package dev.fiber.tasks.grounding.head;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.core.ops.Scoped;
import dev.fiber.tasks.grounding.Trace;
import dev.fiber.tasks.grounding.nn.Container;
import dev.fiber.tasks.grounding.nn.Conv2d;
import dev.fiber.tasks.grounding.nn.Linear;
import dev.fiber.tasks.grounding.nn.Scale;
import dev.fiber.tasks.grounding.nn.StateBlock;

import java.util.ArrayList;
import java.util.List;

/**
 * The vision-language dynamic head of FIBER's fine-grained model ({@code VLDyHead} of
 * {@code rpn/vldyhead.py}, key {@code rpn.head}) with {@code EARLY_FUSE_ON=False} (no fusion in the head)
 * and the dot-product token head.
 *
 * <p>{@code dyhead_tower} ({@link DyConv} x N) refines the FPN levels. Per level: {@code bbox_pred} then
 * {@code scales.{l}}, {@code centerness} (raw logits), and token logits
 * {@code (T_l q)(tok)ᵀ / exp(log_scale) + tok_bias} clamped to ±50000, where
 * {@code e = normalize(lang.embedded)}, {@code tok = dot_product_projection_text(e / 2)},
 * {@code tok_bias = e · bias_lang + bias0} and queries are the tower output in (y, x) row-major order.
 * {@code cls_logits} is only needed for its channel count (the number of label columns).
 */
public final class VlDyHead extends StateBlock {

    private final DyConv[] tower;
    private final Conv2d clsLogits;
    private final Conv2d bboxPred;
    private final Conv2d centerness;
    private final Linear projText;
    private final Scale[] scales;
    private final Parameter logScale;
    private final Parameter biasLang;
    private final Parameter bias0;
    private final long numClasses;

    /**
     * @param spec head widths
     */
    public VlDyHead(HeadSpec spec) {
        logScale = parameter("log_scale", new Shape(1));
        biasLang = parameter("bias_lang", new Shape(spec.langDim()));
        bias0 = parameter("bias0", new Shape(1));
        Container t = child("dyhead_tower", new Container());
        tower = new DyConv[spec.numConvs()];
        for (int i = 0; i < tower.length; i++) {
            long in = i == 0 ? spec.inChannels() : spec.channels();
            tower[i] = t.add(Integer.toString(i), new DyConv(in, spec.channels(), spec.dyReluSqueeze(), spec.gnGroups()));
        }
        numClasses = spec.numClasses();
        clsLogits = child("cls_logits", new Conv2d(spec.channels(), spec.numClasses(), 1, 1, 0, true));
        bboxPred = child("bbox_pred", new Conv2d(spec.channels(), 4, 1, 1, 0, true));
        centerness = child("centerness", new Conv2d(spec.channels(), 1, 1, 1, 0, true));
        projText = child("dot_product_projection_text", new Linear(spec.langDim(), spec.channels(), true));
        Container sc = child("scales", new Container());
        scales = new Scale[spec.numLevels()];
        for (int l = 0; l < scales.length; l++) {
            scales[l] = sc.add(Integer.toString(l), new Scale());
        }
    }

    /** @return number of label columns ({@code cls_logits} output channels, {@code NUM_CLASSES - 1}) */
    public long numClasses() {
        return numClasses;
    }

    /**
     * Head outputs for all levels.
     *
     * @param bboxReg per level {@code (B, 4, H, W)} after the level's scale
     * @param centerness per level {@code (B, 1, H, W)} logits
     * @param dotLogits per level {@code (B, H*W, T)} token logits
     */
    public record Output(List<NDArray> bboxReg, List<NDArray> centerness, List<NDArray> dotLogits) {}

    /**
     * @param levels FPN levels, finest first
     * @param embedded language {@code embedded} {@code (B, T, D)} (pads zero)
     * @param trace receives the tower outputs and head outputs
     * @return per-level regression, centerness and token logits
     */
    public Output forward(NDList levels, NDArray embedded, Trace trace) {
        if (levels.size() != scales.length) {
            throw new IllegalArgumentException("head built for " + scales.length + " levels, got " + levels.size());
        }
        NDList x = levels;
        for (int i = 0; i < tower.length; i++) {
            x = tower[i].forward(x, trace, "head.tower" + i);
        }
        NDArray e = embedded.normalize(2, -1, 1e-12);
        NDArray tokens = projText.forward(e.div(2f));
        NDArray tokenBias = e.matMul(value(biasLang)).add(value(bias0));
        trace.record("head.dot_product_proj_tokens", tokens);
        trace.record("head.dot_product_proj_tokens_bias", tokenBias);
        NDArray tokensT = tokens.transpose(0, 2, 1);
        NDArray temperature = value(logScale).exp();
        List<NDArray> reg = new ArrayList<>();
        List<NDArray> ctr = new ArrayList<>();
        List<NDArray> logits = new ArrayList<>();
        for (int l = 0; l < x.size(); l++) {
            NDArray feat = x.get(l);
            if (trace.enabled()) {
                trace.record("head.cls_logits.l" + l, clsLogits.forward(feat));
            }
            NDArray r = scales[l].forward(bboxPred.forward(feat));
            NDArray c = centerness.forward(feat);
            NDArray d = Scoped.keep(() -> {
                Shape s = feat.getShape();
                NDArray q = feat.reshape(s.get(0), s.get(1), -1).transpose(0, 2, 1);
                return q.matMul(tokensT).div(temperature).add(tokenBias.expandDims(1)).clip(-50000f, 50000f);
            });
            trace.record("head.bbox_reg.l" + l, r);
            trace.record("head.centerness.l" + l, c);
            trace.record("head.dot_product_logits.l" + l, d);
            reg.add(r);
            ctr.add(c);
            logits.add(d);
        }
        return new Output(reg, ctr, logits);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        NDList levels = new NDList(in.subNDList(0, in.size() - 1));
        Output o = forward(levels, in.get(in.size() - 1), Trace.NONE);
        NDList out = new NDList();
        out.addAll(o.bboxReg());
        out.addAll(o.centerness());
        out.addAll(o.dotLogits());
        return out;
    }

    @Override
    protected Shape[] outputShapes(Shape[] in) {
        int n = in.length - 1;
        Shape[] out = new Shape[3 * n];
        long tokens = in[n].get(1);
        for (int l = 0; l < n; l++) {
            Shape s = in[l];
            out[l] = new Shape(s.get(0), 4, s.get(2), s.get(3));
            out[n + l] = new Shape(s.get(0), 1, s.get(2), s.get(3));
            out[2 * n + l] = new Shape(s.get(0), s.get(2) * s.get(3), tokens);
        }
        return out;
    }
}
