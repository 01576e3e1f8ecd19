package dev.fiber.tasks.metrics;

/**
 * Running mean of a scalar (a loss), as FIBER's {@code gadgets/my_metrics.Scalar}: each value is rounded
 * to float32 and added to a float32 sum; {@link #compute} = sum / number of updates. Not thread-safe.
 */
public final class Scalar {

    private float sum;
    private float total;

    /** Creates an empty metric. */
    public Scalar() {}

    /**
     * Adds one value.
     *
     * @param value the value (rounded to float32 as {@code torch.tensor(value).float()} does)
     * @return the value as float32 (the batch value the official code logs)
     */
    public float update(double value) {
        float v = (float) value;
        sum += v;
        total += 1f;
        return v;
    }

    /** @return the mean since the last reset (NaN before any update), float32 */
    public float compute() {
        return sum / total;
    }

    /** @return the number of values since the last reset */
    public float total() {
        return total;
    }

    /** Clears the state. */
    public void reset() {
        sum = 0f;
        total = 0f;
    }
}
