package dev.fiber.tasks.metrics;

/** Arg-max with torch's CPU conventions: the first maximal element wins; NaN compares greater than all. */
final class Argmax {

    private Argmax() {}

    /**
     * @param values an array
     * @param from   first index of the slice
     * @param length slice length (≥ 1)
     * @return the index of the maximum within the slice, relative to {@code from}
     */
    static int of(float[] values, int from, int length) {
        int best = 0;
        float bestValue = values[from];
        if (Float.isNaN(bestValue)) {
            return 0;
        }
        for (int k = 1; k < length; k++) {
            float v = values[from + k];
            if (Float.isNaN(v)) {
                return k;
            }
            if (v > bestValue) {
                bestValue = v;
                best = k;
            }
        }
        return best;
    }
}
