package dev.fiber.tasks.grounding.backbone;

import ai.djl.ndarray.NDArray;

/**
 * The language dictionary FIBER's fusion backbone returns ({@code get_aggregated_output}).
 *
 * @param hidden final text states {@code (B, N, D)}
 * @param embedded {@code hidden * mask} (pads zeroed) — what the dot-product head uses
 * @param masks the attention mask {@code (B, N)} int64
 * @param aggregate mean of the non-pad states {@code (B, D)}
 */
public record LanguageFeatures(NDArray hidden, NDArray embedded, NDArray masks, NDArray aggregate) {

    /**
     * Builds the dictionary from the final states.
     *
     * @param hidden final text states
     * @param attentionMask {@code (B, N)} 0/1 int64
     * @return the features
     */
    public static LanguageFeatures of(NDArray hidden, NDArray attentionMask) {
        NDArray m = attentionMask.toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
        NDArray embedded = hidden.mul(m.expandDims(-1));
        NDArray aggregate = embedded.sum(new int[] {1}).div(m.sum(new int[] {1}, true));
        return new LanguageFeatures(hidden, embedded, attentionMask, aggregate);
    }
}
