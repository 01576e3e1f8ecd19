package dev.fiber.tasks.grounding.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.tasks.grounding.nn.Embedding;
import dev.fiber.tasks.grounding.nn.LayerNorm;
import dev.fiber.tasks.grounding.nn.StateBlock;

/**
 * RoBERTa input embeddings ({@code RobertaEmbeddings} of FIBER's {@code roberta_fused_model_v2.py}):
 * {@code LayerNorm(word[ids] + token_type[0] + position[pos])} where the position of a token is
 * {@code padding_idx + 1 + (number of non-pad tokens up to and including it)} for non-pad tokens and
 * {@code padding_idx} for pad tokens (pads are recognised by id, not by the attention mask).
 *
 * <p>Keys: {@code word_embeddings}, {@code position_embeddings}, {@code token_type_embeddings},
 * {@code LayerNorm}, buffer {@code position_ids} (kept for the state dict, not used).
 */
public final class RobertaEmbeddings extends StateBlock {

    private final Embedding word;
    private final Embedding position;
    private final Embedding tokenType;
    private final LayerNorm norm;
    private final long padId;
    private final long hidden;

    /**
     * @param vocab vocabulary size
     * @param maxPositions position table size
     * @param typeVocab token-type table size
     * @param hidden width
     * @param padId pad token id (1 for RoBERTa)
     * @param eps LayerNorm epsilon
     */
    public RobertaEmbeddings(long vocab, long maxPositions, long typeVocab, long hidden, long padId, float eps) {
        this.padId = padId;
        this.hidden = hidden;
        word = child("word_embeddings", new Embedding(vocab, hidden));
        position = child("position_embeddings", new Embedding(maxPositions, hidden));
        tokenType = child("token_type_embeddings", new Embedding(typeVocab, hidden));
        norm = child("LayerNorm", new LayerNorm(hidden, eps));
        buffer("position_ids", new Shape(1, maxPositions));
    }

    /**
     * @param inputIds {@code (B, N)} int64 token ids
     * @return embeddings {@code (B, N, hidden)}
     */
    public NDArray forward(NDArray inputIds) {
        NDArray notPad = inputIds.neq(padId).toType(DataType.INT64, false);
        NDArray positions = notPad.cumSum(1).mul(notPad).add(padId);
        NDArray types = inputIds.zerosLike();
        NDArray sum = word.forward(inputIds).add(tokenType.forward(types)).add(position.forward(positions));
        return norm.forward(sum);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        return new NDList(forward(in.head()));
    }

    @Override
    protected Shape[] outputShapes(Shape[] in) {
        return new Shape[] {in[0].add(hidden)};
    }
}
