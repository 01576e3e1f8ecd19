package dev.fiber.tasks.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fiber.core.checkpoint.SafeTensors;
import dev.fiber.core.model.FiberModel;
import dev.fiber.core.model.ParamSlot;
import dev.fiber.core.model.load.LoadOptions;
import dev.fiber.tasks.TinyTrainModel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Gradient clipping, weight export/restore and dropout configuration. */
class TrainingUnitsTest {

    @TempDir
    Path tmp;

    @Test
    void clippingScalesByMaxNormOverNormPlusEpsilonOnlyAboveTheLimit() {
        Map<String, float[]> g = new LinkedHashMap<>();
        g.put("a", new float[] {3, 0});
        g.put("b", new float[] {4});
        g.put("none", null);
        assertEquals(5.0, GradientClipping.clip(g, 10), 1e-12);
        assertArrayEquals(new float[] {3, 0}, g.get("a"), "below the limit: unchanged");
        assertEquals(5.0, GradientClipping.clip(g, 1), 1e-12);
        float c = (float) (1 / (5 + 1e-6));
        assertArrayEquals(new float[] {3 * c, 0}, g.get("a"));
        assertArrayEquals(new float[] {4 * c}, g.get("b"));
        assertThrows(IllegalArgumentException.class, () -> GradientClipping.clip(g, 0));
    }

    @Test
    void weightsRoundTripThroughSafetensorsWithOfficialKeys() throws Exception {
        Path file = tmp.resolve("tiny.safetensors");
        try (FiberModel model = TinyTrainModel.load()) {
            ModelWeights.save(model, file, Map.of("note", "test"));
            try (SafeTensors st = SafeTensors.open(file)) {
                assertTrue(st.tensors().containsKey("vit_model.layers.0.blocks.0.attn.relative_position_index"), "buffers are written");
                assertTrue(st.tensors().containsKey("text_transformer.embeddings.position_ids"));
                float[] fc = st.get("itm_score.fc.weight").readFloats();
                float[] rank = st.get("rank_output.weight").readFloats();
                assertArrayEquals(java.util.Arrays.copyOfRange(fc, fc.length / 2, fc.length), rank, "rank_output = itm_score.fc row 1");
                assertEquals("test", st.metadata().get("note"));
            }
            try (FiberModel back = FiberModel.load(file, LoadOptions.defaults().withDevice(ai.djl.Device.cpu()))) {
                assertTrue(back.loadReport().isExact(), back.loadReport().toString());
                assertEquals(model.config(), back.config());
                Map<String, ParamSlot> a = model.block().stateDictParameters();
                Map<String, ParamSlot> b = back.block().stateDictParameters();
                for (String k : a.keySet()) {
                    if (k.startsWith("rank_output")) {
                        continue;
                    }
                    assertArrayEquals(a.get(k).parameter().getArray().toFloatArray(), b.get(k).parameter().getArray().toFloatArray(), k);
                }
            }
        }
    }

    @Test
    void restoreOverwritesALiveModelAndRejectsMismatches() throws Exception {
        Path file = tmp.resolve("w.safetensors");
        try (FiberModel a = TinyTrainModel.load(); FiberModel b = TinyTrainModel.load()) {
            ParamSlot slot = a.block().stateDictParameters().get("vqa_classifier.0.bias");
            float[] v = slot.parameter().getArray().toFloatArray();
            v[0] += 1;
            try (NoGrad ng = NoGrad.enter()) {
                slot.parameter().getArray().set(v);
            }
            ModelWeights.save(a, file, Map.of());
            ModelWeights.restore(b, file);
            assertArrayEquals(v, b.block().stateDictParameters().get("vqa_classifier.0.bias").parameter().getArray().toFloatArray());
            assertTrue(b.block().stateDictParameters().get("vqa_classifier.0.bias").parameter().getArray().hasGradient(),
                    "gradient tracking survives a restore");
        }
        Map<String, SafeTensors.Entry> bad = new LinkedHashMap<>();
        bad.put("temp", SafeTensors.Entry.of(new float[] {1, 2}, 2));
        Path badFile = tmp.resolve("bad.safetensors");
        SafeTensors.write(badFile, bad, Map.of());
        try (FiberModel c = TinyTrainModel.load()) {
            java.io.IOException e = assertThrows(java.io.IOException.class, () -> ModelWeights.restore(c, badFile));
            assertTrue(e.getMessage().contains("no tensor") || e.getMessage().contains("shape"), e.getMessage());
        }
    }

    @Test
    void dropoutsApplyToTheConfigWithoutChangingTheArchitecture() throws Exception {
        try (FiberModel m = TinyTrainModel.load()) {
            Dropouts d = new Dropouts(0.2, 0.3, 0.05);
            var cfg = d.applyTo(m.config());
            assertEquals(d, Dropouts.of(cfg));
            assertEquals(Dropouts.NONE, Dropouts.of(m.config()));
            assertEquals(m.config().swin().embedDim(), cfg.swin().embedDim());
            assertThrows(IllegalArgumentException.class, () -> new Dropouts(1.0, 0, 0));
        }
    }
}
