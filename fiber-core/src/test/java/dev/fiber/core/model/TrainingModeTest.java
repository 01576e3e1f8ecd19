package dev.fiber.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.fiber.core.model.load.LoadOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The blocks are differentiable DJL blocks, with dropout / drop-path only in training mode. */
class TrainingModeTest {

    @Test
    void gradientsReachTheBackboneAndTheFusionGates() throws Exception {
        try (FiberModel model = TinyWeights.load(LoadOptions.defaults().withDevice(Device.cpu()));
                NDManager m = NDManager.newBaseManager(Device.cpu())) {
            FiberTransformer block = model.block();
            // DJL's initialize() keeps loaded values and switches on gradients, as a Trainer does
            block.initialize(model.manager(), DataType.FLOAT32, new Shape(2, 3, 96, 96), new Shape(2, 6), new Shape(2, 6));
            NDArray image = m.randomNormal(new Shape(2, 3, 96, 96));
            NDArray ids = m.create(new long[] {0, 100, 200, 2, 1, 1, 0, 7, 8, 9, 10, 2}, new Shape(2, 6));
            NDArray masks = m.create(new long[] {1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1}, new Shape(2, 6));
            Engine.getInstance().setRandomSeed(3);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                ForwardContext ctx = new ForwardContext(new ParameterStore(m, false), true);
                FusedFeatures f = block.infer(ctx, image, ids, masks, FeatureTrace.NONE);
                NDArray loss = block.itmLogits(ctx, f.clsFeats()).sum().add(block.mlmLogits(ctx, f.textFeats()).mean());
                gc.backward(loss);
            }
            Map<String, ParamSlot> params = block.stateDictParameters();
            for (String k : new String[] {"vit_model.patch_embed.proj.weight", "vit_model.layers.0.blocks.1.attn.relative_position_bias_table",
                    "vit_model.layers.2.blocks.15.attn.alpha_i2t", "vit_model.layers.3.blocks.1.attn.qkv_text_i2t.weight",
                    "text_transformer.embeddings.word_embeddings.weight", "text_transformer.encoder.layer.6.alpha_t2i",
                    "text_transformer.encoder.layer.11.crossattention_t2i.self.key.weight", "cross_modal_image_pooler.dense.weight",
                    "mlm_score.transform.LayerNorm.weight"}) {
                NDArray g = params.get(k).parameter().getArray().getGradient();
                assertTrue(g.abs().sum().getFloat() > 0, k + " has no gradient");
            }
            // FIBER never applies these: their gradient stays zero
            for (String k : new String[] {"text_transformer.encoder.layer.6.crossattention_t2i.output.LayerNorm.weight",
                    "vit_model.norm.weight", "text_transformer.pooler.dense.weight"}) {
                NDArray g = params.get(k).parameter().getArray().getGradient();
                assertEquals(0f, g.abs().sum().getFloat(), k);
            }
        }
    }

    @Test
    void dropoutAndDropPathOnlyInTraining() throws Exception {
        try (FiberModel model = TinyWeights.load(LoadOptions.defaults().withDevice(Device.cpu()));
                NDManager m = NDManager.newBaseManager(Device.cpu())) {
            FiberTransformer block = model.block();
            NDArray image = m.randomNormal(new Shape(2, 3, 96, 96));
            NDArray ids = m.create(new long[] {0, 100, 200, 2, 1, 1, 0, 7, 8, 9, 10, 2}, new Shape(2, 6));
            NDArray masks = m.create(new long[] {1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1}, new Shape(2, 6));
            ForwardContext train = new ForwardContext(null, true);
            float[] t1 = block.infer(train, image, ids, masks, FeatureTrace.NONE).clsFeats().toFloatArray();
            float[] t2 = block.infer(train, image, ids, masks, FeatureTrace.NONE).clsFeats().toFloatArray();
            assertFalse(java.util.Arrays.equals(t1, t2), "training passes should differ (dropout / drop-path)");
            float[] e1 = block.infer(ForwardContext.INFERENCE, image, ids, masks, FeatureTrace.NONE).clsFeats().toFloatArray();
            float[] e2 = block.infer(ForwardContext.INFERENCE, image, ids, masks, FeatureTrace.NONE).clsFeats().toFloatArray();
            assertArrayEquals(e1, e2);
            float[] ti1 = block.inferImage(train, image).cls().toFloatArray();
            float[] ti2 = block.inferImage(train, image).cls().toFloatArray();
            assertFalse(java.util.Arrays.equals(ti1, ti2), "Swin drop-path should be active in training");
        }
    }
}
