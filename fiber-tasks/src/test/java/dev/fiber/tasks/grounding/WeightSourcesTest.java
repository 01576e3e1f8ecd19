package dev.fiber.tasks.grounding;

import dev.fiber.core.TestData;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.fiber.core.io.Npy;
import dev.fiber.core.io.NpyArray;
import dev.fiber.tasks.grounding.weights.WeightSource;
import dev.fiber.tasks.grounding.weights.WeightSources;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** Choosing {@code model} / {@code model_ema} of official-style dumps through the checkpoint reader. */
class WeightSourcesTest {

    @Test
    void modelByDefaultEmaOnRequest() throws Exception {
        Map<String, NpyArray> expected = Npy.readNpz(TestData.file("checkpoints/expected.npz"));
        for (String top : List.of("model", "model_ema")) {
            try (WeightSource w = WeightSources.open(TestData.file("checkpoints/ddp_like.pth"), top);
                    NDManager m = NDManager.newBaseManager()) {
                assertEquals(List.of("module.backbone.body.w0", "module.backbone.body.w1", "module.backbone.body.w2"),
                        List.copyOf(w.keys()));
                for (String k : w.keys()) {
                    assertArrayEquals(expected.get("ddp_like.pth/" + top + "/" + k).toFloatArray(),
                            w.load(k, m).toFloatArray(), 0f, top + "/" + k);
                }
            }
        }
    }

    @Test
    void tinyCheckpointHasTheReferenceKeysAndTypes() throws Exception {
        try (WeightSource w = WeightSources.open(TestData.file("fine/tiny_fine.pth"), "model");
                NDManager m = NDManager.newBaseManager()) {
            assertEquals(806, w.keys().size());
            assertTrue(w.keys().stream().allMatch(k -> k.startsWith("module.")));
            String idx = "module.fusion_backbone.backbone.body.layers.0.blocks.0.attn.relative_position_index";
            assertEquals(DataType.INT64, w.load(idx, m).getDataType());
            assertArrayEquals(new long[] {144, 144}, w.shape(idx));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> WeightSources.open(TestData.file("fine/tiny_fine.pth"), "model_ema"));
            assertTrue(e.getMessage().contains("model_ema"), e.getMessage());
        }
        assertThrows(IOException.class, () -> WeightSources.open(TestData.file("fine/missing.pth"), "model"));
    }
}
