package dev.fiber.tasks.caption;

/**
 * The result of decoding one image, in the layout {@code caption_test_step} hands to
 * {@code tokenizer.decode}.
 *
 * @param ids the {@code max_text_len - 1} ids after {@code <s>} of the best hypothesis (beam 0),
 *     with {@code </s>} and {@code <s>} replaced by {@code <pad>} (official post-processing)
 * @param length number of caption tokens (ids other than {@code <pad>}; a generated {@code <s>} inside the
 *     caption became {@code <pad>} and is skipped, as the official decode drops it)
 * @param score the hypothesis' log-probability sum divided by its length as the official bookkeeping
 *     holds them (beam search), or the mean token log-probability (greedy)
 */
public record DecodedCaption(long[] ids, int length, float score) {

    /**
     * @param pad the {@code <pad>} id
     * @return the caption tokens: {@code ids} without {@code <pad>} (what the official
     *     {@code decode(ids).replace("<pad>", "")} turns into text)
     */
    public long[] tokens(long pad) {
        return java.util.Arrays.stream(ids).filter(x -> x != pad).toArray();
    }
}
