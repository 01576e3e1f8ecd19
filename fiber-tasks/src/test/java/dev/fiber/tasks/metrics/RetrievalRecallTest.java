package dev.fiber.tasks.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RetrievalRecallTest {

    @Test
    void handComputedKarpathyCase() {
        // 2 images, 2 captions each: texts 0,1 -> image 0; texts 2,3 -> image 1
        float[] s = {
            0.9f, 0.1f, 0.8f, 0.2f, // image 0: best text 0 (correct) -> rank 0
            0.7f, 0.6f, 0.3f, 0.5f, // image 1: correct texts 2 (0.3), 3 (0.5): best 3 at rank 2
        };
        RetrievalRecall r = RetrievalRecall.compute(s, 2, 4, RetrievalRecall.range(2),
                RetrievalRecall.captionsPerImage(2, 2));
        assertArrayEquals(new int[] {0, 2}, r.textRetrievalRanks());
        // text 0: 0.9 vs 0.7 -> image 0 rank 0; text 1: 0.1 vs 0.6 -> rank 1; text 2: 0.8 vs 0.3 -> image 1 rank 1;
        // text 3: 0.2 vs 0.5 -> rank 0
        assertArrayEquals(new int[] {0, 1, 1, 0}, r.imageRetrievalRanks());
        assertEquals(0.5, r.textRecallAt(1));
        assertEquals(1.0, r.textRecallAt(3));
        assertEquals(0.5, r.imageRecallAt(1));
        assertEquals(1.0, r.imageRecallAt(2));
        assertThrows(IllegalArgumentException.class, () -> r.textRecallAt(0));
    }

    @Test
    void ranksMatchBruteForceSortOnRandomData() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 20; trial++) {
            int nImg = 1 + rnd.nextInt(30);
            int per = 1 + rnd.nextInt(5);
            int nTxt = nImg * per;
            float[] s = new float[nImg * nTxt];
            for (int k = 0; k < s.length; k++) {
                // coarse values so that ties happen
                s[k] = trial % 2 == 0 ? rnd.nextInt(7) : (float) rnd.nextGaussian();
            }
            long[] iids = RetrievalRecall.range(nImg);
            long[] tiids = RetrievalRecall.captionsPerImage(nImg, per);
            RetrievalRecall r = RetrievalRecall.compute(s, nImg, nTxt, iids, tiids);
            for (int k : new int[] {1, 5, 10}) {
                int trHits = 0;
                for (int i = 0; i < nImg; i++) {
                    final int row = i;
                    Integer[] order = IntStream.range(0, nTxt).boxed().toArray(Integer[]::new);
                    Arrays.sort(order, Comparator.comparingDouble(j -> -s[row * nTxt + j]));
                    boolean hit = false;
                    for (int q = 0; q < Math.min(k, nTxt); q++) {
                        hit |= tiids[order[q]] == iids[i];
                    }
                    trHits += hit ? 1 : 0;
                }
                int irHits = 0;
                for (int j = 0; j < nTxt; j++) {
                    final int col = j;
                    Integer[] order = IntStream.range(0, nImg).boxed().toArray(Integer[]::new);
                    Arrays.sort(order, Comparator.comparingDouble(i -> -s[i * nTxt + col]));
                    boolean hit = false;
                    for (int q = 0; q < Math.min(k, nImg); q++) {
                        hit |= iids[order[q]] == tiids[j];
                    }
                    irHits += hit ? 1 : 0;
                }
                assertEquals((double) trHits / nImg, r.textRecallAt(k), "TR@" + k + " trial " + trial);
                assertEquals((double) irHits / nTxt, r.imageRecallAt(k), "IR@" + k + " trial " + trial);
            }
        }
    }

    @Test
    void errors() {
        assertThrows(IllegalArgumentException.class,
                () -> RetrievalRecall.compute(new float[3], 2, 2, new long[2], new long[2]));
        assertThrows(IllegalArgumentException.class,
                () -> RetrievalRecall.compute(new float[] {Float.NaN}, 1, 1, new long[1], new long[1]));
        RetrievalRecall r = RetrievalRecall.compute(new float[] {1f}, 1, 1, new long[] {3}, new long[] {4});
        assertEquals(0.0, r.textRecallAt(10));
        assertEquals(0.0, r.imageRecallAt(10));
    }
}
