package dev.fiber.core.model.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fiber.core.model.FiberModel;
import dev.fiber.core.model.FusedFeatures;
import dev.fiber.core.model.StateDictKeys;
import dev.fiber.core.model.TinyWeights;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Strictness, key accounting, buffer checks and resolution change of the state-dict loader. */
class StateDictLoaderTest {

    private static final LoadOptions CPU = LoadOptions.defaults().withDevice(Device.cpu());

    @Test
    void tinyCheckpointLoadsExactlyWithEveryBufferChecked() throws Exception {
        LinkedHashMap<String, long[]> keys = StateDictKeys.tinyShapes();
        try (WeightSource src = TinyWeights.open(); FiberModel model = FiberModel.load(src, CPU)) {
            LoadReport r = model.loadReport();
            System.out.println(r);
            assertTrue(r.isExact(), r.toString());
            long buffers = keys.keySet().stream().filter(k -> k.endsWith("attn_mask") || k.endsWith("relative_position_index") || k.endsWith("position_ids")).count();
            assertEquals(36, buffers);
            assertEquals(buffers, r.buffersChecked().size());
            assertEquals(keys.size() - buffers, r.loaded().size());
            assertEquals(model.block().stateDictParameters().keySet(), new java.util.HashSet<>(r.loaded()));
            assertTrue(r.skipped().isEmpty() && r.resized().isEmpty());
        }
    }

    @Test
    void itcQueuesAreSkippedUnread() throws Exception {
        try (WeightSource src = new EditedWeights(TinyWeights.open()).addFloats("image_queue", new float[48 * 4], 48, 4)
                .addLongs("queue_ptr", new long[] {0}, 1).addLongs("text_input_queue", new long[4 * 40], 4, 40);
                FiberModel model = FiberModel.load(src, CPU)) {
            assertTrue(model.loadReport().isExact());
            assertEquals(List.of("image_queue", "queue_ptr", "text_input_queue"), model.loadReport().skipped());
        }
    }

    @Test
    void strictLoadingListsMissingAndUnexpectedKeys() throws Exception {
        EditedWeights src = new EditedWeights(TinyWeights.open()).drop("vit_model.layers.2.blocks.15.attn.qkv_text_i2t.weight")
                .addFloats("some_new_head.weight", new float[4], 2, 2);
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> FiberModel.load(src, CPU));
        assertTrue(e.getMessage().contains("missing keys (1):\n    vit_model.layers.2.blocks.15.attn.qkv_text_i2t.weight"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected keys (1):\n    some_new_head.weight"), e.getMessage());
        try (FiberModel model = FiberModel.load(src, CPU.withStrict(false))) {
            LoadReport r = model.loadReport();
            assertEquals(List.of("vit_model.layers.2.blocks.15.attn.qkv_text_i2t.weight"), r.missing());
            assertEquals(List.of("some_new_head.weight"), r.unexpected());
            assertFalse(r.isExact());
            // the missing tensor was initialised, so the model runs
            try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                FusedFeatures f = model.infer(m, m.randomNormal(new Shape(1, 3, 96, 96)), m.create(new long[] {0, 100, 2, 1}, new Shape(1, 4)),
                        m.create(new long[] {1, 1, 1, 0}, new Shape(1, 4)));
                assertEquals(new Shape(1, 96), f.clsFeats().getShape());
            }
        }
    }

    @Test
    void shapeMismatchesAndWrongBuffersFailEvenWhenNotStrict() throws Exception {
        EditedWeights bad = new EditedWeights(TinyWeights.open()).drop("itm_score.fc.weight").addFloats("itm_score.fc.weight", new float[3 * 96], 3, 96);
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> FiberModel.load(bad, CPU.withStrict(false)));
        assertTrue(e.getMessage().contains("itm_score.fc.weight: checkpoint shape [3, 96] != model shape (2, 96)"), e.getMessage());
        EditedWeights mask = new EditedWeights(TinyWeights.open()).editFloats("vit_model.layers.0.blocks.1.attn_mask", v -> {
            v[5] = -50f;
            return v;
        });
        e = assertThrows(ModelLoadException.class, () -> FiberModel.load(mask, CPU.withStrict(false)));
        assertTrue(e.getMessage().contains("vit_model.layers.0.blocks.1.attn_mask: stored buffer values differ"), e.getMessage());
    }

    @Test
    void anotherResolutionResizesTheTablesLikeSwinAdaptPositionEncoding() throws Exception {
        try (WeightSource src = TinyWeights.open(); FiberModel model = FiberModel.load(src, CPU.withImageSize(128));
                NDManager m = NDManager.newBaseManager(Device.cpu())) {
            LoadReport r = model.loadReport();
            assertTrue(r.isExact(), r.toString());
            assertEquals(24, r.resized().size());
            assertEquals(4, model.config().windowSize());
            // stored index / mask buffers of the old window are dropped, position_ids still checked
            assertEquals(List.of("text_transformer.embeddings.position_ids"), r.buffersChecked());
            NDArray table = model.block().stateDictParameters().get("vit_model.layers.0.blocks.0.attn.relative_position_bias_table").parameter().getArray();
            assertEquals(new Shape(49, 1), table.getShape());
            FusedFeatures f = model.infer(m, m.randomNormal(new Shape(2, 3, 128, 128)), m.create(new long[] {0, 100, 2, 1, 0, 7, 8, 2}, new Shape(2, 4)),
                    m.create(new long[] {1, 1, 1, 0, 1, 1, 1, 1}, new Shape(2, 4)));
            assertEquals(new Shape(2, 16, 48), f.imageFeats().getShape());
        }
    }
}
