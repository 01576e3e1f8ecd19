package dev.fiber.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.fiber.core.io.Npy;
import dev.fiber.core.io.NpyArray;
import dev.fiber.core.model.load.LoadOptions;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The uni-modal bottoms + fused top of {@link FusionCache} reproduce {@link FiberModel#infer} within
 * 1e-5 (tiny reference checkpoint), also when one side is broadcast.
 */
class FusionCacheTest {

    static final double TOL = 1e-5;
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

    @Test
    void bottomsThenTopEqualInfer() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray image = ref.get("image").toNDArray(m);
            NDArray ids = ref.get("text_ids").toNDArray(m);
            NDArray masks = ref.get("text_masks").toNDArray(m);
            FusedFeatures full = model.infer(m, image, ids, masks);
            FusionCache cache = new FusionCache(model);
            ImageBottom ib = cache.encodeImageBottom(m, image);
            TextBottom tb = cache.encodeTextBottom(m, ids, masks);
            FusedFeatures f = cache.inferFromBottoms(m, ib, tb);
            assertClose("text_feats", full.textFeats(), f.textFeats());
            assertClose("image_feats", full.imageFeats(), f.imageFeats());
            assertClose("cls_feats", full.clsFeats(), f.clsFeats());
            // the bottoms are independent of the other modality: reusing them gives the same again
            assertClose("cls_feats (reused bottoms)", full.clsFeats(), cache.inferFromBottoms(m, ib, tb).clsFeats());
        }
    }

    @Test
    void oneImageBroadcastAgainstManyTexts() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray image = ref.get("image").toNDArray(m);
            NDArray ids = ref.get("text_ids").toNDArray(m);
            NDArray masks = ref.get("text_masks").toNDArray(m);
            FusionCache cache = new FusionCache(model);
            for (int i = 0; i < 2; i++) {
                NDArray one = image.get(i + ":" + (i + 1));
                FusedFeatures full = model.infer(m, one.repeat(0, 2), ids, masks);
                FusedFeatures f = cache.inferFromBottoms(m, cache.encodeImageBottom(m, one), cache.encodeTextBottom(m, ids, masks));
                assertClose("image " + i + " x 2 texts: cls", full.clsFeats(), f.clsFeats());
                assertClose("image " + i + " x 2 texts: text", full.textFeats(), f.textFeats());
            }
            NDArray oneIds = ids.get("1:2");
            NDArray oneMask = masks.get("1:2");
            FusedFeatures full = model.infer(m, image, oneIds.repeat(0, 2), oneMask.repeat(0, 2));
            FusedFeatures f = cache.inferFromBottoms(m, cache.encodeImageBottom(m, image), cache.encodeTextBottom(m, oneIds, oneMask));
            assertClose("2 images x text 1: cls", full.clsFeats(), f.clsFeats());
            assertClose("2 images x text 1: image", full.imageFeats(), f.imageFeats());
        }
    }

    @Test
    void mismatchedBatchesAreRejected() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray image = ref.get("image").toNDArray(m);
            NDArray ids = ref.get("text_ids").toNDArray(m);
            NDArray masks = ref.get("text_masks").toNDArray(m);
            FusionCache cache = new FusionCache(model);
            ImageBottom ib = cache.encodeImageBottom(m, image);
            TextBottom tb = cache.encodeTextBottom(m, ids.repeat(0, 3).get("0:3"), masks.repeat(0, 3).get("0:3"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cache.inferFromBottoms(m, ib, tb));
            assertTrue(e.getMessage().contains("batch"), e.getMessage());
        }
    }

    @Test
    void scopesLeaveOnlyTheResults() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray image = ref.get("image").toNDArray(m);
            NDArray ids = ref.get("text_ids").toNDArray(m);
            NDArray masks = ref.get("text_masks").toNDArray(m);
            FusionCache cache = new FusionCache(model);
            ImageBottom ib = cache.encodeImageBottom(m, image);
            TextBottom tb = cache.encodeTextBottom(m, ids, masks);
            int before = m.getManagedArrays().size();
            cache.inferFromBottoms(m, ib, tb);
            // three results, nothing else
            assertTrue(m.getManagedArrays().size() == before + 3, "arrays left: " + (m.getManagedArrays().size() - before));
        }
    }

    static void assertClose(String what, NDArray want, NDArray got) {
        assertArrayEquals(want.getShape().getShape(), got.getShape().getShape(), what);
        float[] a = want.toFloatArray();
        float[] b = got.toFloatArray();
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        System.out.printf("%-36s max|diff| %.3e%n", what, max);
        assertTrue(max <= TOL, what + ": max|diff| " + max + " > " + TOL);
    }
}
