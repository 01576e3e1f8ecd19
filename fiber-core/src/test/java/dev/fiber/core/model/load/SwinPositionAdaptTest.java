package dev.fiber.core.model.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code swin_adapt_position_encoding}'s bicubic resize against an independent double-precision
 * transcription of PyTorch's {@code upsample_bicubic2d} (align_corners=False, A=-0.75, clamped taps).
 */
class SwinPositionAdaptTest {

    private static double w(double x) {
        double a = -0.75;
        x = Math.abs(x);
        if (x <= 1) {
            return ((a + 2) * x - (a + 3)) * x * x + 1;
        }
        if (x < 2) {
            return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
        }
        return 0;
    }

    private static double[] reference(float[] table, int heads, int wb, int wa) {
        int in = 2 * wb - 1;
        int out = 2 * wa - 1;
        double[] res = new double[out * out * heads];
        double scale = (double) in / out;
        for (int h = 0; h < heads; h++) {
            for (int oy = 0; oy < out; oy++) {
                for (int ox = 0; ox < out; ox++) {
                    double sy = (oy + 0.5) * scale - 0.5;
                    double sx = (ox + 0.5) * scale - 0.5;
                    int fy = (int) Math.floor(sy);
                    int fx = (int) Math.floor(sx);
                    double v = 0;
                    for (int j = -1; j <= 2; j++) {
                        for (int i = -1; i <= 2; i++) {
                            int yy = Math.min(Math.max(fy + j, 0), in - 1);
                            int xx = Math.min(Math.max(fx + i, 0), in - 1);
                            v += w(sy - (fy + j)) * w(sx - (fx + i)) * table[(yy * in + xx) * heads + h];
                        }
                    }
                    res[(oy * out + ox) * heads + h] = v;
                }
            }
        }
        return res;
    }

    @Test
    void matchesPyTorchBicubicUpAndDown() {
        Random rnd = new Random(7);
        int[][] cases = {{12, 18, 4}, {18, 12, 3}, {3, 4, 8}, {12, 7, 2}};
        for (int[] c : cases) {
            int side = 2 * c[0] - 1;
            float[] table = new float[side * side * c[2]];
            for (int i = 0; i < table.length; i++) {
                table[i] = (float) rnd.nextGaussian();
            }
            float[] got = SwinPositionAdapt.resizeRelativePositionTable(table, c[2], c[0], c[1]);
            double[] want = reference(table, c[2], c[0], c[1]);
            assertEquals(want.length, got.length);
            for (int i = 0; i < got.length; i++) {
                assertEquals(want[i], got[i], 2e-5 * (1 + Math.abs(want[i])), "case " + c[0] + "->" + c[1] + " at " + i);
            }
        }
    }

    @Test
    void constantsStayConstantAndSameSizeIsACopy() {
        float[] table = new float[25 * 2];
        java.util.Arrays.fill(table, 0.75f);
        float[] up = SwinPositionAdapt.resizeRelativePositionTable(table, 2, 3, 5);
        for (float v : up) {
            assertEquals(0.75f, v, 1e-6f);
        }
        float[] same = SwinPositionAdapt.resizeRelativePositionTable(table, 2, 3, 3);
        assertArrayEquals(table, same);
        assertThrows(IllegalArgumentException.class, () -> SwinPositionAdapt.resizeRelativePositionTable(new float[7], 2, 3, 4));
    }
}
