package dev.fiber.tasks.objectives;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fiber.core.text.FiberTokenizer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Unit checks of the objective building blocks that the reference batch does not exercise. */
class ObjectiveUnitsTest {

    @Test
    void crossEntropyIgnoresMinus100AndMatchesHandComputation() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray logits = m.create(new float[] {1, 2, 3, 0, 0, 0, 5, -1, 2}, new Shape(3, 3));
            NDArray labels = m.create(new long[] {2, -100, 0});
            double l0 = -(3 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)));
            double l2 = -(5 - Math.log(Math.exp(5) + Math.exp(-1) + Math.exp(2)));
            assertEquals((l0 + l2) / 2, Losses.crossEntropy(logits, labels).getFloat(), 1e-6);
            assertTrue(Float.isNaN(Losses.crossEntropy(logits, m.create(new long[] {-100, -100, -100})).getFloat()), "all ignored -> NaN");
            assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(logits, m.create(new long[] {3, 0, 0})));
        }
    }

    @Test
    void bceWithLogitsIsStableAndMatchesTheFormula() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            float[] x = {-100, -3, 0, 2, 100};
            float[] t = {0, 1, 0.3f, 0.6f, 1};
            double want = 0;
            for (int i = 0; i < x.length; i++) {
                want += Math.max(x[i], 0) - x[i] * t[i] + Math.log1p(Math.exp(-Math.abs(x[i])));
            }
            want /= x.length;
            assertEquals(want, Losses.bceWithLogits(m.create(x), m.create(t)).getFloat(), 1e-5);
        }
    }

    @Test
    void vqaTargetsAssignLastScoreAndRejectBadLabels() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray t = VqaObjective.denseTargets(m, new int[][] {{1, 1}, {}}, new float[][] {{0.3f, 0.9f}, {}}, 3);
            assertArrayEquals(new float[] {0, 0.9f, 0, 0, 0, 0}, t.toFloatArray());
            assertThrows(IllegalArgumentException.class, () -> VqaObjective.denseTargets(m, new int[][] {{3}}, new float[][] {{1}}, 3));
        }
    }

    @Test
    void captionLabelsShiftAndIgnorePads() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray ids = m.create(new long[] {0, 10, 11, 2, 1, 1}, new Shape(1, 6));
            assertArrayEquals(new long[] {10, 11, 2, -100, -100, -100}, CaptionMleObjective.shiftedLabels(ids, 1).toLongArray());
        }
    }

    @Test
    void mlmMaskingFollowsTheBertRecipe() {
        FiberTokenizer tok = FiberTokenizer.roberta();
        MlmMasking masking = MlmMasking.fiber(tok);
        int n = 200_000;
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i % 50 == 0 ? tok.padId() : i % 50 == 1 ? tok.bosId() : 1000 + i % 7000;
        }
        MlmMasking.Masked out = masking.apply(ids, new SplittableRandom(7));
        int selected = 0;
        int mask = 0;
        int kept = 0;
        int eligible = 0;
        for (int i = 0; i < n; i++) {
            boolean special = ids[i] == tok.padId() || ids[i] == tok.bosId();
            eligible += special ? 0 : 1;
            if (out.labels()[i] == Losses.IGNORE_INDEX) {
                assertEquals(ids[i], out.ids()[i], "unselected tokens are unchanged");
                continue;
            }
            assertTrue(!special, "special tokens are never selected");
            assertEquals(ids[i], out.labels()[i], "label = original token");
            selected++;
            mask += out.ids()[i] == tok.maskId() ? 1 : 0;
            kept += out.ids()[i] == ids[i] ? 1 : 0;
        }
        double p = selected / (double) eligible;
        assertEquals(0.15, p, 0.005, "selection rate");
        assertEquals(0.8, mask / (double) selected, 0.01, "<mask> share");
        assertEquals(0.1, kept / (double) selected, 0.01, "kept share (random replacements may hit the original rarely)");
    }

    @Test
    void seededSamplerFollowsTheWeights() {
        NegativeSampler s = NegativeSampler.seeded(1);
        float[] w = {0, 1, 3, 1e-9f};
        int[] counts = new int[4];
        for (int i = 0; i < 40_000; i++) {
            counts[s.sample(w)]++;
        }
        assertEquals(0, counts[0]);
        assertEquals(0.25, counts[1] / 40_000.0, 0.01);
        assertEquals(0.75, counts[2] / 40_000.0, 0.01);
        assertThrows(IllegalArgumentException.class, () -> s.sample(new float[] {0, 0}));
        assertThrows(IllegalArgumentException.class, () -> s.sample(new float[] {1, Float.NaN}));
    }

    @Test
    void queueWrapsAroundAndCountsTotalUncapped() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu()); ItcQueue q = ItcQueue.fresh(m, 2, 5, 3)) {
            assertEquals(0, q.candidates());
            for (int step = 0; step < 3; step++) {
                float v = step + 1;
                NDArray feat = m.create(new float[] {v, v, v, v, v, v}, new Shape(3, 2));
                NDArray img = m.full(new Shape(3, 3, 2, 2), v);
                NDArray ids = m.full(new Shape(3, 4), (long) step, ai.djl.ndarray.types.DataType.INT64);
                q.enqueue(feat, feat, img, ids, ids.onesLike());
            }
            assertEquals(9, q.total());
            assertEquals(4, q.ptr());
            assertEquals(5, q.candidates());
            // columns 0..4 after writes at 0-2 (step 1), 3,4,0 (step 2), 1,2,3 (step 3)
            float[] iq = q.imageQueue().toFloatArray();
            assertArrayEquals(new float[] {2, 3, 3, 3, 2}, java.util.Arrays.copyOfRange(iq, 0, 5));
            assertEquals(2f, q.imageInput(0)[0]);
            assertEquals(2L, q.textInput(3)[0]);
            assertThrows(IllegalArgumentException.class, () -> q.imageInput(5));
        }
    }
}
