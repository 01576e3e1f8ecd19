package dev.fiber.tasks.grounding.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.tasks.grounding.nn.Container;
import dev.fiber.tasks.grounding.nn.LayerNorm;
import dev.fiber.tasks.grounding.nn.Linear;
import dev.fiber.tasks.grounding.nn.StateBlock;

/**
 * One layer of FIBER's fused RoBERTa ({@code RobertaLayer} in {@code roberta_fused_model_v2.py}).
 *
 * <pre>
 * a = attention.output.dense(selfattn(h, mask))            -- no residual / LayerNorm yet
 * if fused:  a = alpha_t2i * crossattention_t2i(a, image) + a   -- text queries over image tokens, no mask
 * a = attention.output.LayerNorm(a + h)
 * out = output.LayerNorm(output.dense(gelu(intermediate.dense(a))) + a)
 * </pre>
 * Keys: {@code attention.*}, {@code intermediate.dense}, {@code output.{dense,LayerNorm}} and, for fused
 * layers (6..11 in FIBER), {@code crossattention_t2i.*} and {@code alpha_t2i}. GELU is the exact (erf) one.
 */
public final class RobertaLayer extends StateBlock {

    private final RobertaAttention attention;
    private final RobertaAttention cross;
    private final Parameter alpha;
    private final Linear intermediate;
    private final Linear outDense;
    private final LayerNorm outNorm;

    /**
     * @param hidden text width
     * @param ffn intermediate width
     * @param heads heads
     * @param imageWidth image token width for the cross-attention, or 0 for a text-only layer
     * @param eps LayerNorm epsilon
     */
    public RobertaLayer(long hidden, long ffn, int heads, long imageWidth, float eps) {
        attention = child("attention", new RobertaAttention(hidden, hidden, heads, false, eps));
        if (imageWidth > 0) {
            cross = child("crossattention_t2i", new RobertaAttention(hidden, imageWidth, heads, true, eps));
            alpha = parameter("alpha_t2i", new Shape(1));
        } else {
            cross = null;
            alpha = null;
        }
        Container inter = child("intermediate", new Container());
        intermediate = inter.add("dense", new Linear(hidden, ffn, true));
        Container out = child("output", new Container());
        outDense = out.add("dense", new Linear(ffn, hidden, true));
        outNorm = out.add("LayerNorm", new LayerNorm(hidden, eps));
    }

    /** @return whether this layer has the text-to-image cross-attention */
    public boolean fused() {
        return cross != null;
    }

    /**
     * @param hidden text states {@code (B, N, D)}
     * @param extendedMask additive text mask {@code (B, 1, 1, N)}
     * @param image image tokens {@code (B, L, C)} for a fused layer, {@code null} to skip the fusion
     * @return new text states
     */
    public NDArray forward(NDArray hidden, NDArray extendedMask, NDArray image) {
        NDArray a = attention.forward(hidden, hidden, extendedMask);
        if (image != null) {
            if (cross == null) {
                throw new IllegalStateException("image tokens given to a text-only layer");
            }
            a = cross.forward(a, image, null).mul(value(alpha)).add(a);
        }
        a = attention.output().layerNorm().forward(a.add(hidden));
        NDArray h = Activation.gelu(intermediate.forward(a));
        return outNorm.forward(outDense.forward(h).add(a));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        return new NDList(forward(in.get(0), in.size() > 1 ? in.get(1) : null, in.size() > 2 ? in.get(2) : null));
    }

    @Override
    protected Shape[] outputShapes(Shape[] in) {
        return new Shape[] {in[0]};
    }
}
