package dev.fiber.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fiber.core.config.FiberConfig;
import dev.fiber.core.model.load.LoadOptions;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad inputs fail with specific messages, never with an engine index error or garbage. */
class InputValidationTest {

    private static FiberModel model;
    private static NDManager m;

    @BeforeAll
    static void load() throws Exception {
        model = FiberModel.load(TinyWeights.checkpoint(), LoadOptions.defaults().withDevice(Device.cpu()));
        m = NDManager.newBaseManager(Device.cpu());
    }

    @AfterAll
    static void close() {
        m.close();
        model.close();
    }

    private static String fail(Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        return e.getMessage();
    }

    @Test
    void wrongShapesAndIdsAreReported() {
        NDArray img = m.zeros(new Shape(1, 3, 96, 96));
        NDArray ids = m.create(new long[] {0, 5, 2}, new Shape(1, 3));
        NDArray mask = m.create(new long[] {1, 1, 1}, new Shape(1, 3));
        String msg = fail(() -> model.infer(m, m.zeros(new Shape(1, 3, 64, 64)), ids, mask));
        assertTrue(msg.contains("image must be (B, 3, 96, 96)"), msg);
        msg = fail(() -> model.infer(m, m.zeros(new Shape(2, 3, 96, 96)), ids, mask));
        assertTrue(msg.contains("does not match text batch"), msg);
        msg = fail(() -> model.infer(m, img, m.create(new long[] {0, 50265, 2}, new Shape(1, 3)), mask));
        assertTrue(msg.contains("token id out of the vocabulary"), msg);
        msg = fail(() -> model.infer(m, img, m.create(new long[] {0, -1, 2}, new Shape(1, 3)), mask));
        assertTrue(msg.contains("token id out of the vocabulary"), msg);
        msg = fail(() -> model.infer(m, img, ids, m.create(new long[] {1, 1}, new Shape(1, 2))));
        assertTrue(msg.contains("text_ids and text_masks must both be (B, T)"), msg);
        msg = fail(() -> model.inferText(m, m.zeros(new Shape(1, 600), DataType.INT64), m.ones(new Shape(1, 600), DataType.INT64)));
        assertTrue(msg.contains("RoBERTa positions allow at most 512"), msg);
        msg = fail(() -> model.inferText(m, m.zeros(new Shape(1, 3)), mask));
        assertTrue(msg.contains("integer token ids"), msg);
        IllegalStateException noHead = assertThrows(IllegalStateException.class, () -> {
            try (FiberModel small = FiberModel.create(FiberConfig.fromCheckpoint(TinyWeights.tinyConfigDictUnchecked(), null)
                    .withLossNames(Map.of("itm", 1)), LoadOptions.defaults().withDevice(Device.cpu()))) {
                small.vqaLogits(m, m.zeros(new Shape(1, 96)));
            }
        });
        assertTrue(noHead.getMessage().contains("no vqa head"), noHead.getMessage());
    }

    @Test
    void int32IdsAndFloatMasksAreAccepted() {
        NDArray img = m.randomNormal(new Shape(1, 3, 96, 96));
        float[] a = model.infer(m, img, m.create(new long[] {0, 5, 2}, new Shape(1, 3)), m.create(new long[] {1, 1, 1}, new Shape(1, 3)))
                .clsFeats().toFloatArray();
        float[] b = model.infer(m, img, m.create(new int[] {0, 5, 2}, new Shape(1, 3)), m.create(new float[] {1, 1, 1}, new Shape(1, 3)))
                .clsFeats().toFloatArray();
        assertArrayEquals(a, b);
    }
}
