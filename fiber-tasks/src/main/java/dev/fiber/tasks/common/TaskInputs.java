package dev.fiber.tasks.common;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fiber.core.image.AlbefTransform;
import dev.fiber.core.image.RgbImage;
import dev.fiber.core.text.Encoding;
import dev.fiber.core.text.FiberTokenizer;
import java.util.List;
import java.util.Objects;

/**
 * The preprocessing every coarse FIBER task shares, as the official evaluation does it: images through
 * {@code albef_transform(image_size)} ({@link AlbefTransform}), texts through the RoBERTa tokenizer
 * padded / truncated to {@code max_text_len} ({@link FiberTokenizer}). Texts that are empty or only
 * whitespace are refused (the official tokenizer would turn them into {@code <s></s>}, which the model
 * was never trained on).
 */
public final class TaskInputs {

    private TaskInputs() {}

    /**
     * @param image an image
     * @param transform the evaluation transform
     * @param manager owns the result
     * @return (3, S, S) float32
     */
    public static NDArray image(RgbImage image, AlbefTransform transform, NDManager manager) {
        Objects.requireNonNull(image, "image");
        int s = transform.size();
        return manager.create(transform.apply(image), new Shape(3, s, s));
    }

    /**
     * @param text a text
     * @param what what the text is, for the error message ("question")
     * @return the text
     * @throws IllegalArgumentException if it is null, empty or whitespace only
     */
    public static String requireText(String text, String what) {
        if (text == null) {
            throw new IllegalArgumentException("the " + what + " is missing (null)");
        }
        if (text.isBlank()) {
            throw new IllegalArgumentException("the " + what + " is empty");
        }
        return text;
    }

    /**
     * Tokenises one text into {@code [ids (T), mask (T)]} int64 arrays.
     *
     * @param tokenizer the tokenizer
     * @param text the text (not blank)
     * @param maxLength padded length ({@code max_text_len})
     * @param what what the text is, for error messages
     * @param manager owns the results
     * @return ids and attention mask
     */
    public static NDArray[] text(FiberTokenizer tokenizer, String text, int maxLength, String what, NDManager manager) {
        Encoding e = tokenizer.encode(requireText(text, what), maxLength);
        return new NDArray[] {manager.create(e.idsAsLong()), manager.create(e.attentionMaskAsLong())};
    }

    /**
     * Tokenises texts into {@code [ids (B, T), masks (B, T)]} int64 arrays.
     *
     * @param tokenizer the tokenizer
     * @param texts the texts (none blank, at least one)
     * @param maxLength padded length
     * @param what what the texts are, for error messages
     * @param manager owns the results
     * @return ids and attention masks
     */
    public static NDArray[] texts(FiberTokenizer tokenizer, List<String> texts, int maxLength, String what, NDManager manager) {
        if (texts == null || texts.isEmpty()) {
            throw new IllegalArgumentException("no " + what + " given");
        }
        long[] ids = new long[texts.size() * maxLength];
        long[] masks = new long[ids.length];
        for (int i = 0; i < texts.size(); i++) {
            Encoding e = tokenizer.encode(requireText(texts.get(i), what + " " + i), maxLength);
            System.arraycopy(e.idsAsLong(), 0, ids, i * maxLength, maxLength);
            System.arraycopy(e.attentionMaskAsLong(), 0, masks, i * maxLength, maxLength);
        }
        Shape s = new Shape(texts.size(), maxLength);
        return new NDArray[] {manager.create(ids, s), manager.create(masks, s)};
    }

    /**
     * @param images images (at least one)
     * @param transform the evaluation transform
     * @param manager owns the result
     * @return (B, 3, S, S) float32
     */
    public static NDArray images(List<RgbImage> images, AlbefTransform transform, NDManager manager) {
        return transform.batch(images, manager);
    }
}
