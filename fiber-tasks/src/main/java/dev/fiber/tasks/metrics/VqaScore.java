package dev.fiber.tasks.metrics;

/**
 * The VQA score metric of FIBER's {@code gadgets/my_metrics.VQAScore}: for each question, the soft target
 * score (see {@code dev.fiber.tasks.vqa.VqaTargets}) of the arg-max answer; the metric is the sum over
 * questions divided by the number of questions. The state ({@code score}, {@code total}) is accumulated
 * in float32, like the official torch tensors, so values match bit for bit.
 *
 * <p>{@link #update} returns the batch's own value, which is what the official code logs per step (calling
 * the metric object accumulates and returns the current batch only); {@link #compute} returns the value
 * accumulated since the last {@link #reset}. Not thread-safe.
 */
public final class VqaScore {

    private float score;
    private float total;

    /** Creates an empty metric. */
    public VqaScore() {}

    /**
     * Adds a batch.
     *
     * @param logits  [batch][classes] logits (only the arg-max matters; ties and NaN as torch.max: the
     *                first maximum, NaN counts as the maximum)
     * @param targets [batch][classes] dense soft targets ({@code target[i][label] = score}, zero elsewhere)
     * @return the batch value (score of this batch / batch size), float32
     * @throws IllegalArgumentException if shapes disagree or the batch is empty
     */
    public float update(float[][] logits, float[][] targets) {
        if (logits.length == 0) {
            throw new IllegalArgumentException("VQAScore.update: empty batch");
        }
        if (logits.length != targets.length) {
            throw new IllegalArgumentException("VQAScore.update: " + logits.length + " logit rows but "
                    + targets.length + " target rows");
        }
        float batch = 0f;
        for (int i = 0; i < logits.length; i++) {
            if (logits[i].length != targets[i].length || logits[i].length == 0) {
                throw new IllegalArgumentException("VQAScore.update: row " + i + " has " + logits[i].length
                        + " logits and " + targets[i].length + " targets");
            }
            batch += targets[i][Argmax.of(logits[i], 0, logits[i].length)];
        }
        score += batch;
        total += logits.length;
        return batch / (float) logits.length;
    }

    /**
     * Adds a batch given sparse targets, building the dense target as FIBER's {@code compute_vqa} does
     * ({@code target[i, label] = score}, in float32; a later duplicate label overwrites).
     *
     * @param logits [batch][classes] logits
     * @param labels per question, the class indices
     * @param scores per question, their soft scores
     * @return the batch value
     */
    public float update(float[][] logits, int[][] labels, double[][] scores) {
        if (labels.length != logits.length || scores.length != logits.length) {
            throw new IllegalArgumentException("VQAScore.update: " + logits.length + " logit rows, "
                    + labels.length + " label rows, " + scores.length + " score rows");
        }
        float[][] targets = new float[logits.length][];
        for (int i = 0; i < logits.length; i++) {
            targets[i] = new float[logits[i].length];
            if (labels[i].length != scores[i].length) {
                throw new IllegalArgumentException("VQAScore.update: question " + i + " has "
                        + labels[i].length + " labels but " + scores[i].length + " scores");
            }
            for (int k = 0; k < labels[i].length; k++) {
                int label = labels[i][k];
                if (label < 0 || label >= targets[i].length) {
                    throw new IllegalArgumentException("VQAScore.update: label " + label + " of question " + i
                            + " is outside [0, " + targets[i].length + ")");
                }
                targets[i][label] = (float) scores[i][k];
            }
        }
        return update(logits, targets);
    }

    /** @return accumulated score / accumulated number of questions (NaN before any update), float32 */
    public float compute() {
        return score / total;
    }

    /** @return the accumulated score sum (the official {@code score} state) */
    public float scoreSum() {
        return score;
    }

    /** @return the accumulated number of questions (the official {@code total} state) */
    public float total() {
        return total;
    }

    /** Clears the state (start of an epoch). */
    public void reset() {
        score = 0f;
        total = 0f;
    }
}
