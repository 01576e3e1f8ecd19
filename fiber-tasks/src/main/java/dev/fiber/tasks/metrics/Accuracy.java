package dev.fiber.tasks.metrics;

/**
 * Classification accuracy as FIBER's {@code gadgets/my_metrics.Accuracy} (NLVR2, ITM, MLM, SNLI): the
 * prediction is the arg-max over the last axis; positions whose target is {@link #IGNORE_INDEX} are left
 * out; {@code correct} and {@code total} accumulate in float32. A batch whose targets are all ignored
 * leaves the state unchanged (its own value is 0/0 = NaN). Not thread-safe.
 */
public final class Accuracy {

    /** Target value that marks a position to ignore (PyTorch's {@code ignore_index}). */
    public static final long IGNORE_INDEX = -100;

    private float correct;
    private float total;

    /** Creates an empty metric. */
    public Accuracy() {}

    /**
     * Adds a batch of any rank: {@code logits} holds {@code targets.length} rows of {@code numClasses}
     * values, row-major (a [batch][classes] or [batch][positions][classes] tensor flattened).
     *
     * @param logits     flattened logits, length = targets.length × numClasses
     * @param numClasses size of the last axis
     * @param targets    one target class (or {@link #IGNORE_INDEX}) per row
     * @return the batch accuracy (NaN if every target is ignored), float32
     * @throws IllegalArgumentException if sizes disagree or a kept target is outside [0, numClasses)
     */
    public float update(float[] logits, int numClasses, long[] targets) {
        if (numClasses <= 0 || (long) targets.length * numClasses != logits.length) {
            throw new IllegalArgumentException("Accuracy.update: " + logits.length + " logits do not hold "
                    + targets.length + " rows of " + numClasses + " classes");
        }
        int batchCorrect = 0;
        int batchTotal = 0;
        for (int r = 0; r < targets.length; r++) {
            long t = targets[r];
            if (t == IGNORE_INDEX) {
                continue;
            }
            if (t < 0 || t >= numClasses) {
                throw new IllegalArgumentException("Accuracy.update: target " + t + " at row " + r
                        + " is outside [0, " + numClasses + ") and is not the ignore index -100");
            }
            batchTotal++;
            if (Argmax.of(logits, r * numClasses, numClasses) == t) {
                batchCorrect++;
            }
        }
        if (batchTotal == 0) {
            return Float.NaN;
        }
        correct += batchCorrect;
        total += batchTotal;
        return (float) batchCorrect / (float) batchTotal;
    }

    /**
     * Adds a [batch][classes] batch.
     *
     * @param logits  logits per row
     * @param targets target per row (or {@link #IGNORE_INDEX})
     * @return the batch accuracy (NaN if every target is ignored)
     */
    public float update(float[][] logits, long[] targets) {
        if (logits.length != targets.length || logits.length == 0) {
            throw new IllegalArgumentException("Accuracy.update: " + logits.length + " logit rows but "
                    + targets.length + " targets");
        }
        int c = logits[0].length;
        float[] flat = new float[logits.length * c];
        for (int i = 0; i < logits.length; i++) {
            if (logits[i].length != c) {
                throw new IllegalArgumentException("Accuracy.update: ragged logits (row " + i + " has "
                        + logits[i].length + " classes, row 0 has " + c + ")");
            }
            System.arraycopy(logits[i], 0, flat, i * c, c);
        }
        return update(flat, c, targets);
    }

    /** @return correct / total since the last reset (NaN before any counted position), float32 */
    public float compute() {
        return correct / total;
    }

    /** @return the accumulated number of correct predictions (official {@code correct} state) */
    public float correct() {
        return correct;
    }

    /** @return the accumulated number of counted positions (official {@code total} state) */
    public float total() {
        return total;
    }

    /** Clears the state. */
    public void reset() {
        correct = 0f;
        total = 0f;
    }
}
