package dev.fiber.tasks.caption;

/**
 * The result of decoding one image, in the layout {@code caption_test_step} hands to
 * {@code tokenizer.decode}.
 *
 * @param ids the {@code max_text_len - 1} ids after {@code <s>} of the best hypothesis (beam 0),
 *     with {@code </s>} and {@code <s>} replaced by {@code <pad>} (official post-processing)
 * @param length number of caption tokens (ids before the first {@code <pad>})
 * @param score the hypothesis' log-probability sum divided by its length as the official bookkeeping
 *     holds them (beam search), or the mean token log-probability (greedy)
 */
public record DecodedCaption(long[] ids, int length, float score) {

    /** @return the caption tokens ({@code ids[0..length)}) */
    public long[] tokens() {
        return java.util.Arrays.copyOf(ids, length);
    }
}
