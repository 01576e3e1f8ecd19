package dev.fiber.tasks.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A collated NLVR2 batch: statements with the left images ({@code image_0}), the right images
 * ({@code image_1}) and int64 labels (the {@code answers} the official {@code compute_nlvr2} turns into
 * class targets).
 *
 * @param left        left images and statement tokens
 * @param rightImages {@code B * 3 * S * S} values
 * @param labels      1 (true) or 0 (false) per statement
 * @param identifiers statement identifiers
 */
public record Nlvr2Batch(ImageTextBatch left, float[] rightImages, long[] labels, List<String> identifiers) {

    /** Validates and copies. */
    public Nlvr2Batch {
        Objects.requireNonNull(left, "left");
        identifiers = List.copyOf(identifiers);
        if (rightImages.length != left.images().length || labels.length != left.size() || identifiers.size() != left.size()) {
            throw new IllegalArgumentException("inconsistent NLVR2 batch arrays for B=" + left.size());
        }
    }

    /**
     * @param items at least one item
     * @return the batch
     */
    public static Nlvr2Batch collate(List<Nlvr2Item> items) {
        ImageTextBatch left = ImageTextBatch.collate(items.stream().map(Nlvr2Item::left).toList());
        int plane = items.get(0).rightImage().length;
        float[] right = new float[items.size() * plane];
        long[] labels = new long[items.size()];
        List<String> ids = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            Nlvr2Item it = items.get(i);
            System.arraycopy(it.rightImage(), 0, right, i * plane, plane);
            labels[i] = it.label() ? 1 : 0;
            ids.add(it.identifier());
        }
        return new Nlvr2Batch(left, right, labels, ids);
    }

    /** @return B */
    public int size() {
        return left.size();
    }

    /**
     * @param manager owns the result
     * @return float32 {@code (B, 3, S, S)} right images
     */
    public NDArray rightImages(NDManager manager) {
        int s = left.imageSize();
        return manager.create(rightImages, new Shape(left.size(), 3, s, s));
    }

    /**
     * @param manager owns the result
     * @return int64 {@code (B)} labels
     */
    public NDArray labels(NDManager manager) {
        return manager.create(labels, new Shape(left.size()));
    }
}
