package dev.fiber.tasks.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fiber.tasks.train.Warmup;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsing of the fine-tuning JSON configuration. */
class FinetuneConfigTest {

    static Map<String, Object> base() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("checkpoint", "ckpt/fiber.ckpt");
        m.put("output_dir", "out");
        return m;
    }

    @Test
    void officialTaskDefaultsAndRelativePaths() {
        Map<String, Object> m = base();
        m.put("data", Map.of("images", "coco", "train", List.of(Map.of("questions", "q.json", "annotations", "a.json")), "itm", true));
        FinetuneConfig c = FinetuneConfig.parse(m, Path.of("/cfg"), "vqa");
        assertEquals("vqa", c.task());
        assertEquals("/cfg/ckpt/fiber.ckpt", c.checkpoint());
        assertEquals(Path.of("/cfg/out"), c.outputDir());
        assertEquals(512, c.batchSize());
        assertEquals(32, c.microBatchSize());
        assertEquals(16, c.accumulate());
        assertEquals(10, c.maxEpoch());
        assertNull(c.maxSteps());
        assertEquals(2e-5, c.optim().learningRate());
        assertEquals(50, c.optim().lrMultHead());
        assertEquals(5, c.optim().lrMultCrossModal());
        assertEquals(Warmup.fraction(0.1), c.optim().warmup());
        assertEquals("albef_randaug", c.trainTransform());
        assertEquals(Path.of("/cfg/coco"), c.dataPath("images"));
        @SuppressWarnings("unchecked")
        Map<String, Object> q = (Map<String, Object>) ((List<?>) c.data().get("train")).get(0);
        assertEquals("/cfg/q.json", q.get("questions"));
        assertEquals("true", c.dataString("itm", "false"));
        FinetuneConfig cap = FinetuneConfig.parse(base(), Path.of("/cfg"), "caption");
        assertEquals(5e-5, cap.optim().learningRate());
        assertEquals(5, cap.optim().lrMultHead());
        FinetuneConfig model = FinetuneConfig.parse(Map.of("checkpoint", "fiber-coarse-pretrain", "output_dir", "o"), Path.of("/cfg"), "nlvr2");
        assertEquals("fiber-coarse-pretrain", model.checkpoint(), "a model name is not a path");
    }

    @Test
    void explicitValuesWarmupStepsAndCosine() {
        Map<String, Object> m = base();
        m.put("batch_size", 64.0);
        m.put("per_gpu_batchsize", 16.0);
        m.put("warmup_steps", 500.0);
        m.put("decay_power", "cosine");
        m.put("max_steps", 2000.0);
        m.put("time_limit_minutes", 1.5);
        m.put("drop_path_rate", 0.0);
        FinetuneConfig c = FinetuneConfig.parse(m, null, "retrieval");
        assertEquals(4, c.accumulate());
        assertEquals(Warmup.steps(500), c.optim().warmup());
        assertTrue(c.optim().decayPower().cosine());
        assertEquals(2000L, c.maxSteps());
        assertEquals(1.5, c.timeLimitMinutes());
        assertEquals(0.0, c.dropPath());
        assertNull(c.hiddenDropout());
    }

    @Test
    void errorsNameTheProblem() {
        Map<String, Object> m = base();
        m.put("learning_rat", 1e-4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FinetuneConfig.parse(m, null, "vqa"));
        assertTrue(e.getMessage().contains("unknown configuration key(s) [learning_rat]"), e.getMessage());
        Map<String, Object> b = base();
        b.put("batch_size", 10.0);
        b.put("per_gpu_batchsize", 4.0);
        assertThrows(IllegalArgumentException.class, () -> FinetuneConfig.parse(b, null, "vqa"));
        Map<String, Object> t = base();
        t.put("task", "nlvr2");
        assertThrows(IllegalArgumentException.class, () -> FinetuneConfig.parse(t, null, "vqa"));
        assertThrows(IllegalArgumentException.class, () -> FinetuneConfig.parse(Map.of("output_dir", "o"), null, "vqa"));
        Map<String, Object> i = base();
        i.put("max_epoch", 1.5);
        assertThrows(IllegalArgumentException.class, () -> FinetuneConfig.parse(i, null, "vqa"));
    }
}
