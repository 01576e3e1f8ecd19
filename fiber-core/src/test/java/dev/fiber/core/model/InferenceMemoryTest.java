package dev.fiber.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.fiber.core.model.load.LoadOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Consecutive inferences must not grow memory: every intermediate is freed with the call's scope,
 * nothing is attached to the model's manager, the caller's manager only holds what it keeps, and
 * the C heap (where libtorch's CPU tensors live) stays flat.
 */
class InferenceMemoryTest {

    /** Resident set size after full GCs (so untouched / garbage Java heap does not count), or -1. */
    private static long rssKb() throws Exception {
        System.gc();
        System.gc();
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    @Test
    void threeHundredInferencesLeaveNoArraysBehind() throws Exception {
        // The tiny model is ~1500 small ops per pass; on a shared, busy CPU every parallel region
        // of a 2-thread pool can stall for a scheduler slice, so this loop runs single-threaded.
        Engine.getInstance(); // loads libtorch before JniUtils is used
        int threads = JniUtils.getNumThreads();
        JniUtils.setNumThreads(1);
        try {
            run();
        } finally {
            JniUtils.setNumThreads(threads);
        }
    }

    private void run() throws Exception {
        try (FiberModel model = TinyWeights.load(LoadOptions.defaults().withDevice(Device.cpu()));
                NDManager base = NDManager.newBaseManager(Device.cpu())) {
            NDArray image = base.randomNormal(new Shape(2, 3, 96, 96));
            NDArray ids = base.create(new long[] {0, 100, 200, 300, 2, 1, 1, 1, 0, 7, 8, 9, 10, 11, 12, 2}, new Shape(2, 8));
            NDArray masks = base.create(new long[] {1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1}, new Shape(2, 8));
            int modelArrays = model.manager().getManagedArrays().size();
            int baseArrays = base.getManagedArrays().size();
            long[] rss = new long[3];
            long[] native_ = new long[3];
            int n = 300;
            for (int i = 0; i < n; i++) {
                try (NDManager out = base.newSubManager()) {
                    FusedFeatures f = model.infer(out, image, ids, masks);
                    NDArray itm = model.itmLogits(out, f.clsFeats());
                    assertEquals(new Shape(2, 2), itm.getShape());
                    int expected = 3 + 1;
                    if (i % 10 == 0) {
                        // every other entry point, less often (same scoping code)
                        // the same array passed twice is lent to the call once and stays usable
                        NDArray nlvr2 = model.nlvr2Logits(out, f.clsFeats(), f.clsFeats());
                        assertEquals(new Shape(2, 2), nlvr2.getShape());
                        f.clsFeats().toFloatArray();
                        UniModalFeatures t = model.inferText(out, ids, masks);
                        UniModalFeatures v = model.inferImage(out, image);
                        NDArray sim = model.itcSimilarity(out, v.cls(), t.cls());
                        CaptionFeatures c = model.inferCaption(out, image, ids, masks);
                        NDArray logits = model.mlmLogits(out, c.textFeats());
                        assertEquals(new Shape(2, 2), sim.getShape());
                        assertEquals(new Shape(2, 8, 50265), logits.getShape());
                        expected += 1 + 2 + 2 + 1 + 3 + 1;
                    }
                    // only the returned arrays live in the caller's manager
                    assertEquals(expected, out.getManagedArrays().size());
                }
                assertEquals(modelArrays, model.manager().getManagedArrays().size(), "arrays attached to the model manager");
                assertEquals(baseArrays, base.getManagedArrays().size(), "arrays left in the caller's manager");
                if (i % 100 == 99) {
                    rss[i / 100] = rssKb();
                    native_[i / 100] = MallocStats.inUseBytes();
                }
            }
            System.out.printf("RSS after 100 / 200 / 300 iterations: %d / %d / %d kB; malloc in use: %d / %d / %d kB%n", rss[0], rss[1], rss[2],
                    native_[0] / 1024, native_[1] / 1024, native_[2] / 1024);
            if (native_[0] >= 0) {
                // native (libtorch) memory is flat: nothing accumulates per call (one pass's
                // intermediates are several 100 kB, so leaking them would add > 50 MB here; the
                // JVM's own malloc use wobbles by a few MB)
                assertTrue(native_[2] - native_[0] < 16 * 1024 * 1024, "malloc'd memory grew by " + (native_[2] - native_[0]) + " bytes over 200 inferences");
            }
        }
    }
}
