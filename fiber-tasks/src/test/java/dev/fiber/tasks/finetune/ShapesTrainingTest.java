package dev.fiber.tasks.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fiber.core.model.FiberModel;
import dev.fiber.tasks.shapes.ShapesConfig;
import dev.fiber.tasks.train.Dropouts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The proof's model set-up: fan-in and answer-prior initialisation, exported data configuration, configuration checks. */
class ShapesTrainingTest {

    @TempDir
    Path tmp;

    static ShapesTrainingConfig config(double gain) {
        return new ShapesTrainingConfig(64, 12, 8, 16, 16, 8, 1e-3, 0.0, 10, null, 1, 2, 8, 0, 0, 7, Dropouts.NONE, 1.0, null,
                ShapesTraining.PROOF_SHAPES, 2, gain, 1.0, 1, 1, 1);
    }

    @Test
    void fanInInitialisationScalesMatricesOnly() {
        try (FiberModel model = ShapesTraining.createModel(config(1.0))) {
            var params = model.block().stateDictParameters();
            // Swin stage-3 qkv: (3*32, 32), fan_in 32 -> std 1/sqrt(32) truncated at 2 sigma (~0.88 of it)
            float[] qkv = params.get("vit_model.layers.2.blocks.0.attn.qkv.weight").parameter().getArray().toFloatArray();
            double std = std(qkv);
            assertEquals(0.88 / Math.sqrt(32), std, 0.02, "qkv std");
            // residual-branch outputs: also / sqrt(2 x 24 Swin blocks), / sqrt(2 x 12 text layers)
            float[] proj = params.get("vit_model.layers.2.blocks.0.attn.proj.weight").parameter().getArray().toFloatArray();
            assertEquals(0.88 / Math.sqrt(32) / Math.sqrt(48), std(proj), 0.004, "Swin attn.proj std");
            float[] fc2 = params.get("text_transformer.encoder.layer.3.output.dense.weight").parameter().getArray().toFloatArray();
            assertEquals(0.88 / Math.sqrt(64) / Math.sqrt(24), std(fc2), 0.004, "text output.dense std");
            float[] fc1 = params.get("text_transformer.encoder.layer.3.intermediate.dense.weight").parameter().getArray().toFloatArray();
            assertEquals(0.88 / Math.sqrt(16), std(fc1), 0.03, "text intermediate.dense (not a residual output)");
            float[] words = params.get("text_transformer.embeddings.word_embeddings.weight").parameter().getArray().toFloatArray();
            assertEquals(0.02, std(words), 0.003, "embeddings keep the official N(0, 0.02)");
            float[] gate = params.get("vit_model.layers.3.blocks.0.attn.alpha_i2t").parameter().getArray().toFloatArray();
            assertEquals(1.0f, gate[0], "fusion gate");
            float[] bias = params.get(ShapesTraining.VQA_OUTPUT_BIAS).parameter().getArray().toFloatArray();
            double logit = -Math.log(bias.length - 1.0);
            for (float b : bias) {
                assertEquals(logit, b, 1e-6, "answer bias at the uniform prior's log-odds");
            }
            // sigmoid(logit) = 1/n: the expected number of positive answers starts at one
            assertEquals(1.0 / bias.length, 1 / (1 + Math.exp(-logit)), 1e-12);
        }
        try (FiberModel official = ShapesTraining.createModel(config(0))) {
            float[] bias = official.block().stateDictParameters().get(ShapesTraining.VQA_OUTPUT_BIAS).parameter().getArray().toFloatArray();
            assertEquals(0f, bias[0], "official initialisation keeps zero biases");
        }
        assertTrue(ShapesTraining.isScaledWeight("vit_model.patch_embed.proj.weight", new ai.djl.ndarray.types.Shape(8, 3, 4, 4)));
        assertTrue(!ShapesTraining.isScaledWeight("vit_model.layers.0.blocks.0.attn.relative_position_bias_table",
                new ai.djl.ndarray.types.Shape(9, 1)));
        assertTrue(!ShapesTraining.isScaledWeight("vit_model.norm.weight", new ai.djl.ndarray.types.Shape(64)));
    }

    @Test
    void exportedModelRecordsItsDataConfiguration() throws IOException {
        ShapesConfig data = ShapesTraining.PROOF_SHAPES.withMaxShapes(1).withImageSize(64);
        try (FiberModel model = ShapesTraining.createModel(config(0))) {
            ShapesTraining.export(model, tmp.resolve("m"), data);
        }
        Path file = tmp.resolve("m/model.safetensors");
        assertTrue(Files.isRegularFile(file) && Files.isRegularFile(tmp.resolve("m/answers.txt")));
        assertEquals(data, ShapesTraining.dataConfig(file, 64));
        // without shapes.json: the proof's data at the model's size
        Files.delete(tmp.resolve("m/" + ShapesTraining.SHAPES_FILE));
        assertEquals(ShapesTraining.PROOF_SHAPES.withImageSize(96), ShapesTraining.dataConfig(file, 96));
        Files.writeString(tmp.resolve("m/" + ShapesTraining.SHAPES_FILE), "{\"maxShapes\": 9}");
        IOException e = assertThrows(IOException.class, () -> ShapesTraining.dataConfig(file, 64));
        assertTrue(e.getMessage().contains("invalid shapes data configuration"), e.getMessage());
    }

    @Test
    void configurationIsValidated() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ShapesTrainingConfig(64, 12, 8, 16, 16, 6, 1e-3,
                0.0, 10, null, 1, 2, 8, 0, 0, 7, Dropouts.NONE, 1.0, null, ShapesTraining.PROOF_SHAPES, 4, 0, 0, 1, 1, 1));
        assertTrue(e.getMessage().contains("multiple"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ShapesTraining.sharedImageStep(null, 0));
        assertEquals(64, ShapesTrainingConfig.defaults().shapes().imageSize());
        assertEquals(0, ShapesTrainingConfig.defaults().batchSize() % ShapesTrainingConfig.defaults().questionsPerImage());
    }

    private static double std(float[] v) {
        double s = 0;
        double s2 = 0;
        for (float x : v) {
            s += x;
            s2 += x * x;
        }
        double m = s / v.length;
        return Math.sqrt(s2 / v.length - m * m);
    }
}
