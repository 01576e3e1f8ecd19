package dev.fiber.tasks.grounding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Locale;

/** Tensor comparison with the project's parity tolerance, printing the achieved error. */
final class Parity {

    private Parity() {}

    /**
     * Asserts {@code max|got - ref| <= rel * max(1, max|ref|)} and equal shapes.
     *
     * @param key name for the message
     * @param refShape reference shape
     * @param ref reference values
     * @param gotShape computed shape
     * @param got computed values
     * @param rel relative tolerance (1e-4)
     * @return the achieved max abs difference
     */
    static double check(String key, long[] refShape, float[] ref, long[] gotShape, float[] got, double rel) {
        assertArrayEquals(refShape, gotShape, key + ": shape " + Arrays.toString(gotShape) + " vs reference "
                + Arrays.toString(refShape));
        double maxRef = 0;
        double maxDiff = 0;
        for (int i = 0; i < ref.length; i++) {
            maxRef = Math.max(maxRef, Math.abs(ref[i]));
            double d = Math.abs((double) got[i] - ref[i]);
            if (!(d <= maxDiff)) {
                maxDiff = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
            }
        }
        double tol = rel * Math.max(1, maxRef);
        System.out.printf(Locale.ROOT, "parity %-36s max|diff| = %.3e (tol %.1e, max|ref| %.3g)%n", key, maxDiff, tol,
                maxRef);
        assertTrue(maxDiff <= tol, key + ": max|diff| " + maxDiff + " > " + tol);
        return maxDiff;
    }
}
