package dev.fiber.tasks.grounding.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The shifted-window attention mask of a Swin stage ({@code BasicLayer.get_attention_mask}).
 *
 * <p>On the map padded to a multiple of the window, rows and columns are cut into three bands
 * {@code [0, Hp-W)}, {@code [Hp-W, Hp-s)}, {@code [Hp-s, Hp)} (s = shift); the nine band pairs get region
 * ids; within a window two tokens from different regions get {@code -100.0} (not -inf), others 0.
 */
public final class ShiftedWindowMask {

    private ShiftedWindowMask() {}

    /**
     * @param manager owner of the result
     * @param h map height (unpadded)
     * @param w map width (unpadded)
     * @param window window size
     * @param shift shift size
     * @return mask {@code (nW, W*W, W*W)} float32, windows row-major
     */
    public static NDArray build(NDManager manager, int h, int w, int window, int shift) {
        int hp = SwinBlock.ceilTo(h, window);
        int wp = SwinBlock.ceilTo(w, window);
        int[] region = new int[hp * wp];
        for (int y = 0; y < hp; y++) {
            int ry = band(y, hp, window, shift);
            for (int x = 0; x < wp; x++) {
                region[y * wp + x] = ry * 3 + band(x, wp, window, shift);
            }
        }
        int nh = hp / window;
        int nw = wp / window;
        int n = window * window;
        float[] mask = new float[nh * nw * n * n];
        int[] ids = new int[n];
        for (int wy = 0; wy < nh; wy++) {
            for (int wx = 0; wx < nw; wx++) {
                for (int i = 0; i < window; i++) {
                    for (int j = 0; j < window; j++) {
                        ids[i * window + j] = region[(wy * window + i) * wp + wx * window + j];
                    }
                }
                int base = (wy * nw + wx) * n * n;
                for (int a = 0; a < n; a++) {
                    for (int c = 0; c < n; c++) {
                        mask[base + a * n + c] = ids[a] == ids[c] ? 0f : -100f;
                    }
                }
            }
        }
        return manager.create(mask, new Shape((long) nh * nw, n, n));
    }

    private static int band(int v, int size, int window, int shift) {
        // Python slices (0, -W), (-W, -s), (-s, None) on a padded axis of length size >= W
        if (v < size - window) {
            return 0;
        }
        return v < size - shift ? 1 : 2;
    }
}
