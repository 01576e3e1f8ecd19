package dev.fiber.core.model.roberta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.core.config.TextConfig;
import dev.fiber.core.model.BufferSpec;
import dev.fiber.core.model.EmbeddingTable;
import dev.fiber.core.model.ForwardContext;
import dev.fiber.core.model.LayerNormLayer;
import dev.fiber.core.model.Nn;
import dev.fiber.core.model.StateDictBlock;

/**
 * RoBERTa input embeddings ({@code RobertaEmbeddings}): word + token-type (id 0) + position
 * embeddings, LayerNorm, dropout. Position ids come from the token ids, not the attention mask
 * (quirk 3): {@code cumsum(id != pad) * (id != pad) + pad}, so real tokens get 2, 3, ... and
 * {@code <pad>} tokens get 1. The {@code position_ids} buffer of the checkpoint is unused (checked).
 */
public final class RobertaEmbeddings extends StateDictBlock {

    private final TextConfig config;
    private final EmbeddingTable wordEmbeddings;
    private final EmbeddingTable positionEmbeddings;
    private final EmbeddingTable tokenTypeEmbeddings;
    private final LayerNormLayer layerNorm;

    /**
     * @param config RoBERTa architecture
     */
    public RobertaEmbeddings(TextConfig config) {
        this.config = config;
        int maxPos = config.maxPositionEmbeddings();
        buffer("position_ids", new BufferSpec(new Shape(1, maxPos), true, () -> {
            long[] v = new long[maxPos];
            for (int i = 0; i < maxPos; i++) {
                v[i] = i;
            }
            return v;
        }));
        wordEmbeddings = child("word_embeddings", new EmbeddingTable(config.vocabSize(), config.hiddenSize()));
        positionEmbeddings = child("position_embeddings", new EmbeddingTable(maxPos, config.hiddenSize()));
        tokenTypeEmbeddings = child("token_type_embeddings", new EmbeddingTable(config.typeVocabSize(), config.hiddenSize()));
        layerNorm = child("LayerNorm", new LayerNormLayer(config.hiddenSize(), config.layerNormEps()));
    }

    /**
     * Checks ids: 2-D int64 with every id in the vocabulary and few enough tokens that every
     * position id has an embedding row.
     *
     * @param ids token ids (B, T)
     */
    public void validate(NDArray ids) {
        Shape s = ids.getShape();
        if (s.dimension() != 2) {
            throw new IllegalArgumentException("text_ids must be (B, T), got " + s);
        }
        if (ids.getDataType() != DataType.INT64) {
            throw new IllegalArgumentException("text_ids must be int64, got " + ids.getDataType());
        }
        long maxLen = config.maxPositionEmbeddings() - config.padTokenId() - 1L;
        if (s.get(1) > maxLen) {
            throw new IllegalArgumentException("text has " + s.get(1) + " tokens; RoBERTa positions allow at most " + maxLen);
        }
        if (s.size() == 0) {
            return;
        }
        long min = ids.min().getLong();
        long max = ids.max().getLong();
        if (min < 0 || max >= config.vocabSize()) {
            throw new IllegalArgumentException("token id out of the vocabulary [0, " + config.vocabSize() + "): min " + min + ", max " + max);
        }
    }

    /**
     * @param ctx forward context
     * @param ids token ids (B, T) int64
     * @return embeddings (B, T, hidden)
     */
    public NDArray forward(ForwardContext ctx, NDArray ids) {
        NDArray realTokens = ids.neq(config.padTokenId()).toType(DataType.INT64, false);
        NDArray positions = realTokens.cumSum(1).mul(realTokens).add(config.padTokenId());
        NDArray e = wordEmbeddings.forward(ctx, ids).add(tokenTypeEmbeddings.forward(ctx, ids.zerosLike()));
        e = e.add(positionEmbeddings.forward(ctx, positions));
        e = layerNorm.forward(ctx, e);
        return Nn.dropout(e, config.hiddenDropoutProb(), ctx.training());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(new ForwardContext(ps, training), inputs.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(config.hiddenSize())};
    }
}
