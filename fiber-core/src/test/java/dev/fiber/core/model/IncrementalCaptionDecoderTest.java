package dev.fiber.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fiber.core.io.Npy;
import dev.fiber.core.io.NpyArray;
import dev.fiber.core.model.load.LoadOptions;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Token-by-token decoding with cached keys/values gives, at every position, the features and
 * vocabulary logits of the official full recomputation ({@code infer_caption} over the whole
 * sequence with {@code text_masks=None}), within 1e-4 — also for prefixes holding pads after a
 * {@code </s>} (position id 1, attended) and after beam reordering.
 */
class IncrementalCaptionDecoderTest {

    static final double TOL = 1e-4;
    static FiberModel model;
    static Map<String, NpyArray> ref;

    @BeforeAll
    static void load() throws Exception {
        model = TinyWeights.load(LoadOptions.defaults().withDevice(Device.cpu()));
        ref = Npy.readNpz(TinyWeights.cases());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** Full recompute of the official decoder: all positions, no padding mask (text_masks=None). */
    static NDArray fullLogits(NDManager m, NDArray embeds, long[][] seqs) {
        int n = seqs.length;
        int t = seqs[0].length;
        long[] flat = new long[n * t];
        for (int r = 0; r < n; r++) {
            System.arraycopy(seqs[r], 0, flat, r * t, t);
        }
        NDArray ids = m.create(flat, new Shape(n, t));
        CaptionFeatures f = model.inferCaptionFromEmbeds(m, embeds, ids, ids.onesLike());
        return model.mlmLogits(m, f.textFeats());
    }

    @Test
    void everyPositionMatchesTheFullRecompute() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray embeds = model.captionImageEmbeds(m, ref.get("image").toNDArray(m));
            long[] ids = ref.get("text_ids").toLongArray();
            int t = 40;
            long[][] seqs = new long[2][t];
            for (int r = 0; r < 2; r++) {
                System.arraycopy(ids, r * t, seqs[r], 0, t);
            }
            // row 0 ends after 12 tokens: the rest are pads (position id 1), attended like the official decoder does
            NDArray full = fullLogits(m, embeds, seqs);
            try (IncrementalCaptionDecoder dec = IncrementalCaptionDecoder.start(model, m, embeds, 1)) {
                double worst = 0;
                for (int i = 0; i < t; i++) {
                    NDArray feats = dec.step(m, new long[] {seqs[0][i], seqs[1][i]});
                    NDArray logits = model.mlmLogits(m, feats);
                    worst = Math.max(worst, maxDiff(full.get(":, " + i + ":" + (i + 1)), logits));
                    feats.close();
                    logits.close();
                }
                System.out.printf("incremental vs full recompute, 40 positions x 2 rows: max|diff| of logits %.3e%n", worst);
                assertTrue(worst <= TOL, "max|diff| " + worst);
                assertEquals(t, dec.length());
            }
        }
    }

    @Test
    void reorderingRowsFollowsTheParents() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray embeds = model.captionImageEmbeds(m, ref.get("image").toNDArray(m));
            // 2 images x 3 rows; after 3 tokens the rows are permuted within their image
            long[][] prefix = {
                {0, 100, 200}, {0, 101, 201}, {0, 102, 2},
                {0, 300, 400}, {0, 301, 401}, {0, 302, 402}};
            int[] parents = {2, 0, 2, 5, 5, 3};
            long[] next = {1, 7, 8, 9, 10, 11};
            long[][] seqs = new long[6][4];
            for (int r = 0; r < 6; r++) {
                System.arraycopy(prefix[parents[r]], 0, seqs[r], 0, 3);
                seqs[r][3] = next[r];
            }
            NDArray full = fullLogits(m, embeds.repeat(0, 3).reshape(2, 3, -1, embeds.getShape().get(2))
                    .reshape(6, embeds.getShape().get(1), embeds.getShape().get(2)), seqs);
            try (IncrementalCaptionDecoder dec = IncrementalCaptionDecoder.start(model, m, embeds, 3)) {
                for (int i = 0; i < 3; i++) {
                    long[] tok = new long[6];
                    for (int r = 0; r < 6; r++) {
                        tok[r] = prefix[r][i];
                    }
                    dec.step(m, tok);
                }
                dec.reorder(parents);
                NDArray logits = model.mlmLogits(m, dec.step(m, next));
                double d = maxDiff(full.get(":, 3:4"), logits);
                System.out.printf("after reorder: max|diff| %.3e%n", d);
                assertTrue(d <= TOL, "max|diff| " + d);
            }
        }
    }

    @Test
    void parentsFromAnotherImageAreRejected() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray embeds = model.captionImageEmbeds(m, ref.get("image").toNDArray(m));
            try (IncrementalCaptionDecoder dec = IncrementalCaptionDecoder.start(model, m, embeds, 2)) {
                dec.step(m, new long[] {0, 0, 0, 0});
                assertThrows(IllegalArgumentException.class, () -> dec.reorder(new int[] {2, 1, 2, 3}));
                assertThrows(IllegalArgumentException.class, () -> dec.step(m, new long[] {0, 0}));
                assertThrows(IllegalArgumentException.class, () -> dec.step(m, new long[] {0, 0, 0, 60000}));
            }
        }
    }

    static double maxDiff(NDArray a, NDArray b) {
        assertEquals(a.getShape(), b.getShape());
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        double max = 0;
        for (int i = 0; i < x.length; i++) {
            max = Math.max(max, Math.abs(x[i] - y[i]));
        }
        return max;
    }
}
