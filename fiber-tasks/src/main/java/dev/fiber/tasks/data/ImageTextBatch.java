package dev.fiber.tasks.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A collated batch of image-text pairs held as Java arrays (built on a loader thread) with
 * conversions to {@code NDArray}s in the caller's manager: images {@code (B, 3, S, S)} float32, text
 * ids and attention mask {@code (B, L)} int64 (the {@code image}, {@code text_ids},
 * {@code text_masks} entries of FIBER's batch dict). For speed the arrays are shared, not copied:
 * treat them as read-only.
 *
 * @param size          B
 * @param imageSize     S
 * @param images        {@code B * 3 * S * S} values
 * @param textLength    L
 * @param inputIds      {@code B * L} token ids
 * @param attentionMask {@code B * L} mask values
 * @param texts         the raw texts
 * @param indices       the samples' dataset indices
 */
public record ImageTextBatch(int size, int imageSize, float[] images, int textLength, long[] inputIds,
        long[] attentionMask, List<String> texts, int[] indices) {

    /** Validates the array sizes. */
    public ImageTextBatch {
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(inputIds, "inputIds");
        Objects.requireNonNull(attentionMask, "attentionMask");
        texts = List.copyOf(texts);
        if (images.length != size * 3 * imageSize * imageSize || inputIds.length != size * textLength
                || attentionMask.length != size * textLength || texts.size() != size || indices.length != size) {
            throw new IllegalArgumentException("inconsistent batch arrays for B=" + size + ", S=" + imageSize + ", L=" + textLength);
        }
    }

    /**
     * Stacks items (all with the same image size and text length).
     *
     * @param items at least one item
     * @return the batch
     */
    public static ImageTextBatch collate(List<ImageTextItem> items) {
        if (items == null || items.isEmpty()) {
            throw new IllegalArgumentException("cannot collate an empty batch");
        }
        int b = items.size();
        int s = items.get(0).imageSize();
        int l = items.get(0).textLength();
        int plane = 3 * s * s;
        float[] images = new float[b * plane];
        long[] ids = new long[b * l];
        long[] mask = new long[b * l];
        List<String> texts = new ArrayList<>(b);
        int[] indices = new int[b];
        for (int i = 0; i < b; i++) {
            ImageTextItem it = items.get(i);
            if (it.imageSize() != s || it.textLength() != l) {
                throw new IllegalArgumentException("item " + i + " has image size " + it.imageSize() + " / text length "
                        + it.textLength() + ", the batch has " + s + " / " + l);
            }
            System.arraycopy(it.image(), 0, images, i * plane, plane);
            System.arraycopy(it.inputIds(), 0, ids, i * l, l);
            System.arraycopy(it.attentionMask(), 0, mask, i * l, l);
            texts.add(it.text());
            indices[i] = it.index();
        }
        return new ImageTextBatch(b, s, images, l, ids, mask, texts, indices);
    }

    /**
     * @param manager owns the result
     * @return float32 {@code (B, 3, S, S)}
     */
    public NDArray images(NDManager manager) {
        return manager.create(images, new Shape(size, 3, imageSize, imageSize));
    }

    /**
     * @param manager owns the result
     * @return int64 {@code (B, L)} token ids
     */
    public NDArray inputIds(NDManager manager) {
        return manager.create(inputIds, new Shape(size, textLength));
    }

    /**
     * @param manager owns the result
     * @return int64 {@code (B, L)} attention mask
     */
    public NDArray attentionMask(NDManager manager) {
        return manager.create(attentionMask, new Shape(size, textLength));
    }
}
