package dev.fiber.core.model.load;

/**
 * FIBER's {@code swin_adapt_position_encoding} (official {@code swin_helpers.py}): when a checkpoint
 * trained at one resolution is used at another, the Swin window changes ({@code image_size / 32})
 * and every {@code relative_position_bias_table} of shape ((2wb-1)^2, heads) is resized to
 * ((2wa-1)^2, heads) by viewing each head's column as a (2wb-1)x(2wb-1) grid and interpolating it
 * with PyTorch's {@code F.interpolate(mode="bicubic")} (align_corners=False, A=-0.75, border
 * replication, no antialiasing). The official function also drops the stored
 * {@code relative_position_index} and {@code attn_mask} buffers so the model keeps its own ones for
 * the new window; the loader does the same (this port always recomputes them).
 */
public final class SwinPositionAdapt {

    private SwinPositionAdapt() {}

    /**
     * Resizes a relative-position bias table to another window size, exactly as
     * {@code swin_adapt_position_encoding} does for one table (float arithmetic in PyTorch's order).
     *
     * @param table ((2*windowBefore-1)^2, heads) in C order
     * @param heads number of heads (columns)
     * @param windowBefore window size of the stored table
     * @param windowAfter window size to produce
     * @return ((2*windowAfter-1)^2, heads) in C order (a copy even if the size is unchanged)
     */
    public static float[] resizeRelativePositionTable(float[] table, int heads, int windowBefore, int windowAfter) {
        int in = 2 * windowBefore - 1;
        int out = 2 * windowAfter - 1;
        if (windowBefore < 1 || windowAfter < 1 || heads < 1) {
            throw new IllegalArgumentException("windows and heads must be positive");
        }
        if (table.length != (long) in * in * heads) {
            throw new IllegalArgumentException("table has " + table.length + " values, expected " + in + "^2 x " + heads);
        }
        if (in == out) {
            return table.clone();
        }
        int[][] idx = new int[out][4];
        float[][] w = new float[out][4];
        float scale = (float) in / out;
        for (int o = 0; o < out; o++) {
            float real = scale * (o + 0.5f) - 0.5f;
            int i0 = Math.min((int) Math.floor(real), in - 1);
            float t = Math.min(Math.max(real - i0, 0f), 1f);
            w[o] = cubicCoefficients(t);
            for (int j = 0; j < 4; j++) {
                idx[o][j] = Math.max(Math.min(i0 - 1 + j, in - 1), 0);
            }
        }
        float[] result = new float[out * out * heads];
        for (int h = 0; h < heads; h++) {
            for (int oy = 0; oy < out; oy++) {
                for (int ox = 0; ox < out; ox++) {
                    float acc = 0f;
                    for (int jy = 0; jy < 4; jy++) {
                        float row = 0f;
                        for (int jx = 0; jx < 4; jx++) {
                            row += table[(idx[oy][jy] * in + idx[ox][jx]) * heads + h] * w[ox][jx];
                        }
                        acc += row * w[oy][jy];
                    }
                    result[(oy * out + ox) * heads + h] = acc;
                }
            }
        }
        return result;
    }

    /**
     * @param t fractional offset in [0, 1]
     * @return PyTorch's cubic-convolution weights (A = -0.75) of the four taps at offsets -1, 0, 1, 2
     */
    static float[] cubicCoefficients(float t) {
        final float a = -0.75f;
        float x1 = t;
        float x2 = 1f - t;
        return new float[] {conv2(x1 + 1f, a), conv1(x1, a), conv1(x2, a), conv2(x2 + 1f, a)};
    }

    private static float conv1(float x, float a) {
        return ((a + 2) * x - (a + 3)) * x * x + 1;
    }

    private static float conv2(float x, float a) {
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
    }
}
