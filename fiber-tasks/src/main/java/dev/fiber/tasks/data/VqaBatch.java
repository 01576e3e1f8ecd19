package dev.fiber.tasks.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Objects;

/**
 * A collated VQAv2 batch: the image-question inputs and the dense soft-score targets
 * {@code (B, num_classes)} float32 that the official {@code compute_vqa} builds from {@code vqa_labels} /
 * {@code vqa_scores} ({@code targets[i, label] = score}, zeros elsewhere and for questions without target).
 *
 * @param inputs      images and question tokens
 * @param numClasses  answer vocabulary size (0 when the batch has no targets)
 * @param targets     {@code B * numClasses} scores (empty when {@code numClasses == 0})
 * @param questionIds the question ids
 */
public record VqaBatch(ImageTextBatch inputs, int numClasses, float[] targets, long[] questionIds) {

    /** Validates the sizes. */
    public VqaBatch {
        Objects.requireNonNull(inputs, "inputs");
        if (targets.length != inputs.size() * numClasses || questionIds.length != inputs.size()) {
            throw new IllegalArgumentException("inconsistent VQA batch: B=" + inputs.size() + ", classes=" + numClasses
                    + ", targets=" + targets.length + ", ids=" + questionIds.length);
        }
    }

    /**
     * Stacks items.
     *
     * @param items      at least one item
     * @param numClasses vocabulary size (0 for no targets)
     * @return the batch
     */
    public static VqaBatch collate(List<VqaItem> items, int numClasses) {
        ImageTextBatch inputs = ImageTextBatch.collate(items.stream().map(VqaItem::input).toList());
        float[] targets = new float[items.size() * numClasses];
        long[] ids = new long[items.size()];
        for (int i = 0; i < items.size(); i++) {
            VqaItem it = items.get(i);
            ids[i] = it.questionId();
            if (numClasses > 0 && it.targets() != null) {
                int[] labels = it.targets().labels();
                double[] scores = it.targets().scores();
                for (int k = 0; k < labels.length; k++) {
                    if (labels[k] < 0 || labels[k] >= numClasses) {
                        throw new IllegalArgumentException("question " + ids[i] + ": label " + labels[k] + " outside 0.."
                                + (numClasses - 1));
                    }
                    targets[i * numClasses + labels[k]] = (float) scores[k];
                }
            }
        }
        return new VqaBatch(inputs, numClasses, targets, ids);
    }

    /** @return B */
    public int size() {
        return inputs.size();
    }

    /**
     * @param manager owns the result
     * @return float32 {@code (B, numClasses)} soft scores
     */
    public NDArray targets(NDManager manager) {
        if (numClasses == 0) {
            throw new IllegalStateException("this VQA batch has no targets (dataset built without an answer vocabulary)");
        }
        return manager.create(targets, new Shape(inputs.size(), numClasses));
    }
}
