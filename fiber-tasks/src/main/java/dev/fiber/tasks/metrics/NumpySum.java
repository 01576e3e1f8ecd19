package dev.fiber.tasks.metrics;

/**
 * Summation in numpy's order ({@code np.sum} / {@code np.mean} over a contiguous float64 array: pairwise
 * summation with blocks of 128 unrolled 8 ways), so means of per-item scores match numpy bit for bit.
 */
final class NumpySum {

    private static final int BLOCK = 128;

    private NumpySum() {}

    /**
     * @param a values
     * @return their sum, in numpy's association order
     */
    static double sum(double[] a) {
        return pairwise(a, 0, a.length);
    }

    /**
     * @param a values (non-empty)
     * @return {@code np.mean(a)}
     */
    static double mean(double[] a) {
        return sum(a) / a.length;
    }

    private static double pairwise(double[] a, int from, int n) {
        if (n < 8) {
            double res = 0.0;
            for (int i = 0; i < n; i++) {
                res += a[from + i];
            }
            return res;
        } else if (n <= BLOCK) {
            double[] r = new double[8];
            System.arraycopy(a, from, r, 0, 8);
            int i = 8;
            for (; i < n - (n % 8); i += 8) {
                for (int j = 0; j < 8; j++) {
                    r[j] += a[from + i + j];
                }
            }
            double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) {
                res += a[from + i];
            }
            return res;
        } else {
            int n2 = n / 2;
            n2 -= n2 % 8;
            return pairwise(a, from, n2) + pairwise(a, from + n2, n - n2);
        }
    }
}
