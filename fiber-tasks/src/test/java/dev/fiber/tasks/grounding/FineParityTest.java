package dev.fiber.tasks.grounding;

import dev.fiber.core.TestData;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.fiber.core.io.Npy;
import dev.fiber.core.io.NpyArray;
import dev.fiber.tasks.grounding.nn.LoadReport;
import dev.fiber.tasks.grounding.post.AtssPostProcessor;
import dev.fiber.tasks.grounding.post.Detections;
import dev.fiber.tasks.grounding.post.LabelTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Parity of the fine-grained model with the official FIBER code on {@code src-test-data/fine}: every stored
 * intermediate within {@code 1e-4 * max(1, max|ref|)} and the exact final detection set.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FineParityTest {

    private static final double REL = 1e-4;

    private NDManager manager;
    private Map<String, NpyArray> ref;
    private final Map<String, float[]> got = new LinkedHashMap<>();
    private final Map<String, long[]> gotShape = new LinkedHashMap<>();
    private AtssPostProcessor.Result result;
    private LoadReport report;
    private FiberGroundingModel model;
    private int weightsBefore;
    private int weightsAfter;
    private int runAfter;

    @BeforeAll
    void run() throws Exception {
        manager = NDManager.newBaseManager();
        ref = Npy.readNpz(TestData.file("fine/tiny_fine_cases.npz"));
        model = TinyFineModel.load(manager);
        report = model.loadReport();
        float[] pm = ref.get("input.positive_map").toFloatArray();
        long[] pmShape = ref.get("input.positive_map").shape();
        float[][] rows = new float[(int) pmShape[0]][];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = Arrays.copyOfRange(pm, r * (int) pmShape[1], (r + 1) * (int) pmShape[1]);
        }
        long[] size = ref.get("input.image_size_hw").toLongArray();
        weightsBefore = managedCount(manager);
        try (NDManager run = manager.newSubManager()) {
            NDArray pixels = ref.get("input.pixel_values").toNDArray(run);
            NDArray ids = ref.get("input.input_ids").toNDArray(run);
            NDArray mask = ref.get("input.attention_mask").toNDArray(run);
            long start = System.nanoTime();
            result = model.predict(pixels, ids, mask, (int) size[0], (int) size[1], LabelTokens.fromMatrix(rows),
                    (key, value) -> {
                        try (NDArray f = value.toType(DataType.FLOAT32, true)) {
                            got.put(key, f.toFloatArray());
                        }
                        gotShape.put(key, value.getShape().getShape());
                    });
            System.out.printf(Locale.ROOT, "tiny fine model forward + post-processing: %.1f ms%n",
                    (System.nanoTime() - start) / 1e6);
            runAfter = managedCount(run);
        }
        weightsAfter = managedCount(manager);
    }

    @AfterAll
    void close() {
        manager.close();
    }

    @Test
    void everyCheckpointTensorLoads() {
        assertTrue(report.complete(), report.toString());
        assertEquals(806, report.loaded().size(), report.toString());
        assertTrue(report.unused().isEmpty(), "unused checkpoint keys: " + report.unused());
    }

    @Test
    void forwardLeavesNoArraysBehind() {
        // the three inputs are all that remains in the run's manager; the weights' manager is unchanged
        assertEquals(3, runAfter, "arrays left in the run manager");
        assertEquals(weightsBefore, weightsAfter, "arrays added to the weights' manager");
    }

    private static int managedCount(NDManager m) {
        try {
            java.lang.reflect.Field f = ai.djl.ndarray.BaseNDManager.class.getDeclaredField("resources");
            f.setAccessible(true);
            return ((Map<?, ?>) f.get(m)).size();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void djlBlockForwardAndOutputShapes() {
        try (NDManager run = manager.newSubManager()) {
            ai.djl.ndarray.NDList in = new ai.djl.ndarray.NDList(ref.get("input.pixel_values").toNDArray(run),
                    ref.get("input.input_ids").toNDArray(run), ref.get("input.attention_mask").toNDArray(run));
            ai.djl.ndarray.NDList out = model.forward(new ai.djl.training.ParameterStore(run, false), in, false);
            ai.djl.ndarray.types.Shape[] shapes = model.getOutputShapes(in.getShapes());
            assertEquals(15, out.size());
            for (int i = 0; i < out.size(); i++) {
                assertEquals(shapes[i], out.get(i).getShape(), "output " + i);
            }
            for (int l = 0; l < 5; l++) {
                NpyArray r = ref.get("head.dot_product_logits.l" + l);
                Parity.check("djl forward dot logits l" + l, r.shape(), r.toFloatArray(),
                        out.get(10 + l).getShape().getShape(), out.get(10 + l).toFloatArray(), REL);
            }
        }
    }

    @Test
    void textPath() {
        compare("text.embeddings");
        for (int i = 0; i < 12; i++) {
            compare(String.format(Locale.ROOT, "text.layer%02d", i));
        }
        for (String k : new String[] {"lang.hidden", "lang.embedded", "lang.masks", "lang.aggregate"}) {
            compare(k);
        }
    }

    @Test
    void swinBlocks() {
        compare("swin.patch_embed");
        int[] depths = {2, 2, 18, 2};
        for (int s = 0; s < 4; s++) {
            for (int b = 0; b < depths[s]; b++) {
                compare(String.format(Locale.ROOT, "swin.stage%d.block%02d", s + 1, b));
            }
            if (s < 3) {
                compare("swin.stage" + (s + 1) + ".downsample");
            }
            compare("backbone.stage_out" + (s + 1));
        }
    }

    @Test
    void fpnLevels() {
        for (int l = 3; l <= 7; l++) {
            compare("fpn.p" + l);
        }
    }

    @Test
    void dyHeadTower() {
        for (int i = 0; i < 6; i++) {
            for (int l = 0; l < 5; l++) {
                compare("head.tower" + i + ".l" + l);
            }
        }
    }

    @Test
    void headOutputs() {
        compare("head.dot_product_proj_tokens");
        compare("head.dot_product_proj_tokens_bias");
        for (int l = 0; l < 5; l++) {
            compare("head.cls_logits.l" + l);
            compare("head.bbox_reg.l" + l);
            compare("head.centerness.l" + l);
            compare("head.dot_product_logits.l" + l);
        }
    }

    @Test
    void anchors() {
        for (int l = 0; l < 5; l++) {
            compare("anchors.l" + l);
        }
    }

    @Test
    void preNmsSet() {
        compareSet("post.pre_nms", result.preNms());
    }

    @Test
    void postNmsSet() {
        compareSet("post.post_nms", result.postNms());
    }

    @Test
    void finalDetections() {
        compareSet("det", result.detections());
        Detections sorted = result.detections().sortedByScore();
        Detections refSorted = refDetections("det_sorted");
        assertArrayEquals(refSorted.labels(), sorted.labels(), "labels in score order");
        double boxErr = maxDiff(refSorted.boxes(), sorted.boxes());
        double scoreErr = maxDiff(refSorted.scores(), sorted.scores());
        System.out.printf(Locale.ROOT, "final detections: %d boxes, max|box diff| %.3e, max|score diff| %.3e%n",
                sorted.size(), boxErr, scoreErr);
        assertTrue(boxErr <= 1e-3, "boxes differ by " + boxErr);
        assertTrue(scoreErr <= 1e-4, "scores differ by " + scoreErr);
        long[] orig = ref.get("input.orig_size_hw").toLongArray();
        long[] size = ref.get("input.image_size_hw").toLongArray();
        Detections rescaled = sorted.rescaled((int) size[0], (int) size[1], (int) orig[0], (int) orig[1]);
        double origErr = maxDiff(ref.get("det_sorted_orig.boxes").toFloatArray(), rescaled.boxes());
        System.out.printf(Locale.ROOT, "final boxes in the original image: max|diff| %.3e%n", origErr);
        assertTrue(origErr <= 1e-3, "rescaled boxes differ by " + origErr);
    }

    private void compareSet(String prefix, Detections mine) {
        Detections theirs = refDetections(prefix);
        assertEquals(theirs.size(), mine.size(), prefix + ": number of boxes");
        Detections a = theirs.sortedByScore();
        Detections b = mine.sortedByScore();
        assertArrayEquals(a.labels(), b.labels(), prefix + ": labels in score order");
        double boxErr = maxDiff(a.boxes(), b.boxes());
        double scoreErr = maxDiff(a.scores(), b.scores());
        System.out.printf(Locale.ROOT, "%s: %d boxes, max|box diff| %.3e, max|score diff| %.3e%n", prefix, b.size(),
                boxErr, scoreErr);
        assertTrue(boxErr <= 1e-3, prefix + ": boxes differ by " + boxErr);
        assertTrue(scoreErr <= 1e-4, prefix + ": scores differ by " + scoreErr);
    }

    private Detections refDetections(String prefix) {
        return new Detections(ref.get(prefix + ".boxes").toFloatArray(), ref.get(prefix + ".scores").toFloatArray(),
                ref.get(prefix + ".labels").toLongArray());
    }

    private static double maxDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs((double) a[i] - b[i]));
        }
        return m;
    }

    private void compare(String key) {
        NpyArray r = ref.get(key);
        assertTrue(r != null, "reference has no " + key);
        assertTrue(got.containsKey(key), "model did not produce " + key);
        float[] refValues = r.kind() == 'f' ? r.toFloatArray() : toFloats(r.toLongArray());
        Parity.check(key, r.shape(), refValues, gotShape.get(key), got.get(key), REL);
    }

    private static float[] toFloats(long[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = v[i];
        }
        return f;
    }
}
