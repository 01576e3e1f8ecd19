package dev.fiber.tasks.grounding.backbone;

/**
 * The {@code relative_position_index} buffer of Swin's window attention: for tokens {@code i, j} of a
 * {@code W x W} window (row-major), {@code (dy + W - 1) * (2W - 1) + (dx + W - 1)} with
 * {@code (dy, dx) = pos(i) - pos(j)} — the row of the bias table that the pair uses.
 */
public final class RelativePositionIndex {

    private RelativePositionIndex() {}

    /**
     * @param window window size W
     * @return {@code (W*W) x (W*W)} indices, row-major
     */
    public static long[] compute(int window) {
        int n = window * window;
        long[] idx = new long[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int dy = i / window - j / window + window - 1;
                int dx = i % window - j % window + window - 1;
                idx[i * n + j] = (long) dy * (2 * window - 1) + dx;
            }
        }
        return idx;
    }
}
