package dev.fiber.core.model.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.core.model.ForwardContext;
import dev.fiber.core.model.LayerNormLayer;
import dev.fiber.core.model.LinearLayer;
import dev.fiber.core.model.Nn;
import dev.fiber.core.model.ParamInit;
import dev.fiber.core.model.StateDictBlock;

/**
 * Masked-LM / captioning head ({@code heads.MLMHead}, {@code mlm_score}):
 * {@code transform} = BERT prediction-head transform (dense h->h, exact GELU, LayerNorm with
 * <b>eps 1e-12</b>, the RobertaConfig default, quirk 1/11), then {@code decoder} (h -> vocab, no bias)
 * plus the separate {@code bias} vector (not tied to the word embeddings).
 */
public final class MlmHead extends StateDictBlock {

    /** LayerNorm epsilon of the MLM transform (BertConfig default). */
    public static final double TRANSFORM_EPS = 1e-12;

    private final Transform transform;
    private final LinearLayer decoder;
    private final Parameter bias;
    private final int vocab;

    /**
     * @param hidden feature width (hidden_size)
     * @param vocab vocabulary size
     */
    public MlmHead(int hidden, int vocab) {
        this.vocab = vocab;
        bias = param("bias", Parameter.Type.BIAS, new Shape(vocab), ParamInit.ZEROS);
        transform = child("transform", new Transform(hidden));
        decoder = child("decoder", new LinearLayer(hidden, vocab, false));
    }

    /**
     * @param ctx forward context
     * @param feats text features (B, T, h)
     * @return logits (B, T, vocab)
     */
    public NDArray forward(ForwardContext ctx, NDArray feats) {
        NDArray x = transform.forward(ctx, feats);
        NDArray logits = decoder.forward(ctx, x);
        return logits.add(ctx.value(bias, logits));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(new ForwardContext(ps, training), inputs.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {s.slice(0, s.dimension() - 1).add(vocab)};
    }

    /** {@code BertPredictionHeadTransform}: {@code LayerNorm(gelu(dense(x)))} with eps 1e-12. */
    public static final class Transform extends StateDictBlock {

        private final LinearLayer dense;
        private final LayerNormLayer layerNorm;

        /**
         * @param hidden width
         */
        public Transform(int hidden) {
            dense = child("dense", new LinearLayer(hidden, hidden, true));
            layerNorm = child("LayerNorm", new LayerNormLayer(hidden, TRANSFORM_EPS));
        }

        /**
         * @param ctx forward context
         * @param x (..., h)
         * @return (..., h)
         */
        public NDArray forward(ForwardContext ctx, NDArray x) {
            return layerNorm.forward(ctx, Nn.gelu(dense.forward(ctx, x)));
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
}
