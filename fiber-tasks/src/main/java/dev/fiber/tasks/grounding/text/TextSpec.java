package dev.fiber.tasks.grounding.text;

/**
 * Widths of the RoBERTa text encoder.
 *
 * @param vocab vocabulary size (50265 for roberta-base)
 * @param maxPositions position table size (514)
 * @param typeVocab token-type table size (1)
 * @param hidden hidden width (768)
 * @param ffn feed-forward width (3072)
 * @param heads attention heads (12); not recoverable from a checkpoint, so it is configuration
 * @param layers number of layers (12)
 * @param padId pad token id (1)
 * @param eps LayerNorm epsilon (1e-5)
 */
public record TextSpec(long vocab, long maxPositions, long typeVocab, long hidden, long ffn, int heads, int layers,
        long padId, float eps) {

    /** Validates the widths. */
    public TextSpec {
        if (heads <= 0 || hidden % heads != 0) {
            throw new IllegalArgumentException("text hidden " + hidden + " is not divisible by " + heads + " heads");
        }
        if (layers <= 0 || vocab <= 0 || maxPositions <= 0 || ffn <= 0) {
            throw new IllegalArgumentException("invalid text widths: " + this);
        }
    }
}
