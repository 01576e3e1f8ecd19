package dev.fiber.core.text;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * A batch of encoded texts as engine arrays: the {@code text_ids} / {@code text_masks} FIBER's
 * {@code infer} takes (coarse) or {@code input_ids} / {@code attention_mask} of the grounding model
 * (fine). The arrays belong to the {@link ai.djl.ndarray.NDManager} given to
 * {@link FiberTokenizer#encodeBatch}.
 *
 * @param inputIds      int64 (B, L) token ids
 * @param attentionMask int64 (B, L), 1 for real tokens, 0 for padding
 * @param encodings     the per-text encodings (offsets, tokens, special-tokens mask)
 */
public record TextBatch(NDArray inputIds, NDArray attentionMask, List<Encoding> encodings) {}
