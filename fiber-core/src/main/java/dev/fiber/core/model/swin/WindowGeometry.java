package dev.fiber.core.model.swin;

/**
 * The fixed index arithmetic of one Swin block: how the (cyclically shifted) token grid is cut into
 * windows, the relative-position index of the window attention and the shifted-window mask.
 *
 * <p>The official code rolls the (B, H, W, C) grid by {@code -shift}, partitions it into
 * {@code window x window} windows (windows in row-major order, tokens row-major inside), and undoes
 * both afterwards. Both data movements are pure permutations of the H*W tokens, so here they are
 * precomputed as one gather index each way ({@link #partitionIndex()}, {@link #reverseIndex()}):
 * one copy instead of a roll plus a permute-copy, with identical values.
 *
 * <p>As in the official block, when the grid is not larger than the window the window shrinks to
 * the grid and there is no shift.
 */
public final class WindowGeometry {

    private final int height;
    private final int width;
    private final int window;
    private final int shift;
    private final long[] partition;
    private final long[] reverse;

    /**
     * @param height grid height H
     * @param width grid width W
     * @param window requested window size
     * @param shift requested shift (0 for even blocks, window/2 for odd ones)
     */
    public WindowGeometry(int height, int width, int window, int shift) {
        int w = window;
        int s = shift;
        if (Math.min(height, width) <= w) {
            s = 0;
            w = Math.min(height, width);
        }
        if (s < 0 || s >= w) {
            throw new IllegalArgumentException("shift " + s + " must be in [0, window " + w + ")");
        }
        if (height % w != 0 || width % w != 0) {
            throw new IllegalArgumentException("grid " + height + "x" + width + " is not divisible into " + w + "x" + w + " windows");
        }
        this.height = height;
        this.width = width;
        this.window = w;
        this.shift = s;
        int n = height * width;
        partition = new long[n];
        reverse = new long[n];
        int wpr = width / w;
        for (int wi = 0; wi < height / w; wi++) {
            for (int wj = 0; wj < wpr; wj++) {
                for (int r = 0; r < w; r++) {
                    for (int c = 0; c < w; c++) {
                        int pos = ((wi * wpr + wj) * w + r) * w + c;
                        int srcRow = (wi * w + r + s) % height;
                        int srcCol = (wj * w + c + s) % width;
                        int src = srcRow * width + srcCol;
                        partition[pos] = src;
                        reverse[src] = pos;
                    }
                }
            }
        }
    }

    /** @return effective window size */
    public int window() {
        return window;
    }

    /** @return effective shift (0 = regular windows) */
    public int shift() {
        return shift;
    }

    /** @return number of windows per image */
    public int numWindows() {
        return (height / window) * (width / window);
    }

    /** @return tokens per window */
    public int windowTokens() {
        return window * window;
    }

    /** @return grid height */
    public int height() {
        return height;
    }

    /** @return grid width */
    public int width() {
        return width;
    }

    /** @return whether partitioning is the identity (a single unshifted window covering the grid) */
    public boolean isIdentity() {
        return numWindows() == 1 && shift == 0;
    }

    /** @return for each window-ordered position, the row-major grid token it takes (roll + partition) */
    public long[] partitionIndex() {
        return partition.clone();
    }

    /** @return for each grid token, its window-ordered position (window reverse + inverse roll) */
    public long[] reverseIndex() {
        return reverse.clone();
    }

    /**
     * The official shifted-window attention mask: tokens of a window that come from different
     * regions of the rolled grid get -100, others 0.
     *
     * @return (numWindows, N, N) in C order, or {@code null} without shift
     */
    public float[] shiftMask() {
        if (shift == 0) {
            return null;
        }
        int n = windowTokens();
        int nw = numWindows();
        int wpr = width / window;
        int[] label = new int[nw * n];
        for (int wi = 0; wi < height / window; wi++) {
            for (int wj = 0; wj < wpr; wj++) {
                for (int r = 0; r < window; r++) {
                    for (int c = 0; c < window; c++) {
                        int row = wi * window + r;
                        int col = wj * window + c;
                        label[(wi * wpr + wj) * n + r * window + c] = region(row, height) * 3 + region(col, width);
                    }
                }
            }
        }
        float[] mask = new float[nw * n * n];
        for (int k = 0; k < nw; k++) {
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < n; b++) {
                    mask[(k * n + a) * n + b] = label[k * n + a] != label[k * n + b] ? -100f : 0f;
                }
            }
        }
        return mask;
    }

    private int region(int i, int size) {
        if (i < size - window) {
            return 0;
        }
        return i < size - shift ? 1 : 2;
    }

    /**
     * The official {@code relative_position_index}: for tokens a, b of a window,
     * {@code (dy + w - 1) * (2w - 1) + (dx + w - 1)} with {@code (dy, dx) = pos(a) - pos(b)}.
     *
     * @param window window size w
     * @return (w*w, w*w) in C order
     */
    public static long[] relativePositionIndex(int window) {
        int n = window * window;
        long[] idx = new long[n * n];
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                int dy = a / window - b / window + window - 1;
                int dx = a % window - b % window + window - 1;
                idx[a * n + b] = (long) dy * (2 * window - 1) + dx;
            }
        }
        return idx;
    }
}
