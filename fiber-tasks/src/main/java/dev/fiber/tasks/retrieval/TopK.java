package dev.fiber.tasks.retrieval;

/**
 * A bounded min-heap keeping the k best (score, row) pairs; "better" = higher score, then lower row, so
 * results are deterministic under ties.
 */
final class TopK {

    private final int k;
    private final float[] scores;
    private final int[] rows;
    private int size;

    TopK(int k) {
        this.k = k;
        this.scores = new float[k];
        this.rows = new int[k];
    }

    /** @return whether (s, r) ranks before (s2, r2) */
    static boolean better(float s, int r, float s2, int r2) {
        return s > s2 || (s == s2 && r < r2);
    }

    /** @return the score a candidate must beat to enter (−∞ while not full) */
    float threshold() {
        return size < k ? Float.NEGATIVE_INFINITY : scores[0];
    }

    void offer(float s, int row) {
        if (size < k) {
            int i = size++;
            scores[i] = s;
            rows[i] = row;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (!better(scores[parent], rows[parent], scores[i], rows[i])) {
                    break;
                }
                swap(i, parent);
                i = parent;
            }
        } else if (better(s, row, scores[0], rows[0])) {
            scores[0] = s;
            rows[0] = row;
            siftDown();
        }
    }

    void addAll(TopK other) {
        for (int i = 0; i < other.size; i++) {
            offer(other.scores[i], other.rows[i]);
        }
    }

    /**
     * Writes the kept pairs best first.
     *
     * @param outRows   destination of the rows
     * @param outScores destination of the scores
     * @param offset    first index to write
     * @return the number written
     */
    int drainSorted(int[] outRows, float[] outScores, int offset) {
        int n = size;
        for (int i = n - 1; i >= 0; i--) {
            outScores[offset + i] = scores[0];
            outRows[offset + i] = rows[0];
            size--;
            scores[0] = scores[size];
            rows[0] = rows[size];
            siftDown();
        }
        return n;
    }

    private void siftDown() {
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            if (l >= size) {
                return;
            }
            int worst = l;
            int r = l + 1;
            if (r < size && better(scores[l], rows[l], scores[r], rows[r])) {
                worst = r;
            }
            if (!better(scores[i], rows[i], scores[worst], rows[worst])) {
                return;
            }
            swap(i, worst);
            i = worst;
        }
    }

    private void swap(int a, int b) {
        float s = scores[a];
        scores[a] = scores[b];
        scores[b] = s;
        int r = rows[a];
        rows[a] = rows[b];
        rows[b] = r;
    }
}
