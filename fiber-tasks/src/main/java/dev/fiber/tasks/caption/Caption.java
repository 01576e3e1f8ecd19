package dev.fiber.tasks.caption;

/**
 * A generated caption.
 *
 * @param text the decoded caption ({@code tokenizer.decode} of the tokens, as the official
 *     {@code caption_test_step} writes it, {@code <pad>} removed)
 * @param tokens the caption's token ids (without {@code <s>}, {@code </s>} and padding)
 * @param score see {@link DecodedCaption#score()}
 */
public record Caption(String text, long[] tokens, float score) {

    @Override
    public String toString() {
        return text;
    }
}
