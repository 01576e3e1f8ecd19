package dev.fiber.tasks.data;

import java.util.Arrays;

/**
 * The classification targets of one VQAv2 question: the answer-vocabulary labels of its answers and
 * their soft scores ({@code answer_labels} / {@code answer_scores} of the official arrow tables), and
 * the dense row the model's VQA loss uses ({@code vqa_targets[i, label] = score}).
 *
 * @param labels answer class indices (distinct)
 * @param scores soft score per label, same length
 */
public record VqaTargets(int[] labels, float[] scores) {

    /** Validates and copies. */
    public VqaTargets {
        if (labels.length != scores.length) {
            throw new IllegalArgumentException(labels.length + " labels but " + scores.length + " scores");
        }
        labels = labels.clone();
        scores = scores.clone();
    }

    @Override
    public int[] labels() {
        return labels.clone();
    }

    @Override
    public float[] scores() {
        return scores.clone();
    }

    /** @return whether no answer of the question is in the vocabulary */
    public boolean isEmpty() {
        return labels.length == 0;
    }

    /**
     * Writes the dense target row.
     *
     * @param numClasses vocabulary size
     * @param out        destination
     * @param offset     first index of the row in {@code out}
     */
    public void writeDense(int numClasses, float[] out, int offset) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException("label " + labels[i] + " outside 0.." + (numClasses - 1));
            }
            out[offset + labels[i]] = scores[i];
        }
    }

    /**
     * @param numClasses vocabulary size
     * @return the dense target row
     */
    public float[] dense(int numClasses) {
        float[] row = new float[numClasses];
        writeDense(numClasses, row, 0);
        return row;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VqaTargets t && Arrays.equals(labels, t.labels) && Arrays.equals(scores, t.scores);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(labels) + Arrays.hashCode(scores);
    }

    @Override
    public String toString() {
        return "VqaTargets{labels=" + Arrays.toString(labels) + ", scores=" + Arrays.toString(scores) + "}";
    }
}
