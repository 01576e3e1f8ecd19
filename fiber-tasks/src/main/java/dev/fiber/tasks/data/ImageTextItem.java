package dev.fiber.tasks.data;

import dev.fiber.core.text.Encoding;
import dev.fiber.core.text.FiberTokenizer;
import java.util.Objects;

/**
 * One preprocessed image-text pair: the transformed image and the tokenised text, padded to the
 * dataset's {@code max_text_len} as FIBER's {@code get_text} does ({@code padding="max_length",
 * truncation=True}). The arrays are shared, not copied: treat them as read-only.
 *
 * @param index         the sample index in its dataset
 * @param image         float32 CHW image, {@code 3 * S * S} values
 * @param imageSize     S
 * @param text          the raw text
 * @param inputIds      token ids, {@code max_text_len} values
 * @param attentionMask 1 for real tokens, 0 for padding, same length
 */
public record ImageTextItem(int index, float[] image, int imageSize, String text, long[] inputIds, long[] attentionMask) {

    /** Validates the lengths. */
    public ImageTextItem {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(inputIds, "inputIds");
        Objects.requireNonNull(attentionMask, "attentionMask");
        if (image.length != 3 * imageSize * imageSize) {
            throw new IllegalArgumentException("image has " + image.length + " values, expected 3 x " + imageSize + " x " + imageSize);
        }
        if (inputIds.length != attentionMask.length) {
            throw new IllegalArgumentException(inputIds.length + " ids but " + attentionMask.length + " mask values");
        }
    }

    /**
     * Tokenises a text the coarse FIBER way and pairs it with an image.
     *
     * @param index      sample index
     * @param image      float32 CHW image
     * @param imageSize  S
     * @param text       the text
     * @param tokenizer  the RoBERTa tokenizer
     * @param maxTextLen padded length ({@code max_text_len}: 40 by default, 50 in the fine-tuning configs)
     * @return the item
     */
    public static ImageTextItem of(int index, float[] image, int imageSize, String text, FiberTokenizer tokenizer,
            int maxTextLen) {
        Encoding e = tokenizer.encode(text, maxTextLen);
        return new ImageTextItem(index, image, imageSize, text, e.idsAsLong(), e.attentionMaskAsLong());
    }

    /** @return the padded text length */
    public int textLength() {
        return inputIds.length;
    }
}
