package dev.fiber.core.model.roberta;

import dev.fiber.core.ops.Scoped;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.core.config.TextConfig;
import dev.fiber.core.model.ForwardContext;
import dev.fiber.core.model.ParamInit;
import dev.fiber.core.model.StateDictBlock;

/**
 * FIBER's {@code RobertaLayer} (differs from HuggingFace, quirk 5):
 * <pre>
 *   a = attention.output.dense(selfattn(h, mask))                 # no LayerNorm here
 *   if fused: a = alpha_t2i * crossattention_t2i(query=a, key/value=image, no mask) + a
 *   x = attention.output.LayerNorm(a + h)
 *   out = output.dense(gelu(intermediate.dense(x))) + x
 *   out = output.LayerNorm(out)   unless last_norm=False
 * </pre>
 * Layers {@code >= 12 - num_fuse_block} have {@code crossattention_t2i}; its key/value width is
 * DIM_IMG/2 for layers below 10 and DIM_IMG for layers 10-11 (quirk 8). Every layer has the
 * {@code alpha_t2i} gate parameter.
 */
public final class RobertaLayer extends StateDictBlock {

    private final RobertaAttention attention;
    private final RobertaAttention crossAttention;
    private final RobertaIntermediate intermediate;
    private final RobertaOutput output;
    private final Parameter alphaT2i;

    /**
     * @param config RoBERTa architecture
     * @param imageKeyWidth width of the image tokens the cross-attention reads, or 0 for none
     */
    public RobertaLayer(TextConfig config, int imageKeyWidth) {
        int h = config.hiddenSize();
        attention = child("attention", new RobertaAttention(h, h, config.numAttentionHeads(), config.layerNormEps(),
                config.attentionProbsDropoutProb(), config.hiddenDropoutProb()));
        crossAttention = imageKeyWidth > 0
                ? child("crossattention_t2i", new RobertaAttention(h, imageKeyWidth, config.numAttentionHeads(), config.layerNormEps(),
                        config.attentionProbsDropoutProb(), config.hiddenDropoutProb()))
                : null;
        intermediate = child("intermediate", new RobertaIntermediate(h, config.intermediateSize()));
        output = child("output", new RobertaOutput(config.intermediateSize(), h, config.layerNormEps(), config.hiddenDropoutProb()));
        alphaT2i = param("alpha_t2i", Parameter.Type.OTHER, new Shape(1), ParamInit.ZEROS);
    }

    /** @return whether this layer can cross-attend to image tokens */
    public boolean isFused() {
        return crossAttention != null;
    }

    /**
     * At inference, runs the block in its own array scope: every temporary is freed when it returns, so the peak
     * memory of a forward pass is one block's temporaries rather than the whole network's.
     *
     * @param ctx forward context
     * @param h text states (B, T, hidden)
     * @param mask additive self-attention mask ((B,1,1,T) padding or (B,1,T,T) causal), or {@code null}
     * @param image image tokens for text-to-image cross-attention, or {@code null}
     * @param lastNorm whether to apply the final {@code output.LayerNorm}
     * @return (B, T, hidden)
     */
    public NDArray forward(ForwardContext ctx, NDArray h, NDArray mask, NDArray image, boolean lastNorm) {
        // training keeps every temporary: the backward pass reads them (closing them here yields NaN gradients)
        return ctx.training() ? forwardUnscoped(ctx, h, mask, image, lastNorm) : Scoped.keep(() -> forwardUnscoped(ctx, h, mask, image, lastNorm));
    }

    private NDArray forwardUnscoped(ForwardContext ctx, NDArray h, NDArray mask, NDArray image, boolean lastNorm) {
        NDArray a = attention.forward(ctx, h, null, mask);
        if (image != null) {
            if (crossAttention == null) {
                throw new IllegalStateException("this text layer has no crossattention_t2i");
            }
            NDArray c = crossAttention.forward(ctx, a, image, null);
            a = c.mul(ctx.value(alphaT2i, c)).add(a);
        }
        NDArray x = attention.output().layerNorm().forward(ctx, a.add(h));
        return output.forward(ctx, intermediate.forward(ctx, x), x, lastNorm);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        ForwardContext ctx = new ForwardContext(ps, training);
        NDArray mask = inputs.size() > 1 ? inputs.get(1) : null;
        NDArray image = inputs.size() > 2 ? inputs.get(2) : null;
        return new NDList(forward(ctx, inputs.get(0), mask, image, true));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
