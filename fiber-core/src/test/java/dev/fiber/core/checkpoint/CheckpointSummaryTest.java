package dev.fiber.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fiber.core.TestData;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The summary behind {@code fiber inspect}: structure, hyper-parameters, tensors and totals. */
class CheckpointSummaryTest {

    @TempDir
    Path dir;

    @Test
    void lightningCheckpoint() throws Exception {
        CheckpointSummary s = CheckpointSummary.inspect(TestData.file("checkpoints/lightning_like.ckpt"));
        assertEquals("torch.save zip archive", s.format());
        assertEquals(7, s.topLevel().size());
        assertEquals(new CheckpointSummary.TopLevelEntry("state_dict", "collections.OrderedDict",
                "5 entries (5 tensors)"), s.topLevel().get(3));
        assertEquals(new CheckpointSummary.TopLevelEntry("global_step", "int", "12345"), s.topLevel().get(1));
        assertEquals(5, s.tensors().size());
        assertEquals(12 + 4 + 4 + 1024 + 1, s.elements());
        assertEquals(Map.of("float32", (12L + 4 + 4 + 1024) * 4, "int64", 8L), s.bytesByDtype());
        String text = s.toText(true);
        assertTrue(text.contains("    learning_rate: 1e-05\n"), text);
        assertTrue(text.contains("    tuple_val: (1, 2)\n"), text);
        assertTrue(text.contains("    max_steps: None\n"), text);
        assertTrue(text.contains("    unicode: \"caf\u00e9 \u2603\"\n"), text);
        assertTrue(text.contains("    big: 1099511627776\n"), text);
        String json = s.toJson();
        Map<?, ?> parsed = (Map<?, ?>) Json.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), 64);
        Map<?, ?> config = (Map<?, ?>) ((Map<?, ?>) parsed.get("hyper_parameters")).get("config");
        assertEquals(List.of(1L, 2L), config.get("tuple_val"));
        assertEquals(1e-5, config.get("learning_rate"));
        assertEquals(1045L, ((Map<?, ?>) parsed.get("totals")).get("elements"));
    }

    @Test
    void sharedStoragesAndSafetensors() throws Exception {
        CheckpointSummary v = CheckpointSummary.inspect(TestData.file("checkpoints/views.pt"));
        assertEquals((48 + 48 + 24 + 18 + 9 + 12) * 4, v.bytes());
        assertEquals((48 + 4) * 4, v.storageBytes(), "distinct storages: base (48) and the expanded one (4)");
        assertTrue(v.toText(false).contains("distinct storages"));

        Path p = dir.resolve("w.safetensors");
        SafeTensors.write(p, Map.of("x", SafeTensors.Entry.of(new long[] {1, 2}, 2)), Map.of("format", "fiber"));
        CheckpointSummary s = CheckpointSummary.inspect(p);
        assertEquals("safetensors", s.format());
        assertEquals(Map.of("format", "fiber"), s.metadata());
        assertTrue(s.toText(true).contains("metadata:\n  format: \"fiber\"\n"), s.toText(true));
    }

    @Test
    void pythonFloatRepr() {
        assertEquals("1e-05", CheckpointSummary.pythonFloat(1e-5));
        assertEquals("0.0001", CheckpointSummary.pythonFloat(1e-4));
        assertEquals("0.1", CheckpointSummary.pythonFloat(0.1));
        assertEquals("10000000.0", CheckpointSummary.pythonFloat(1e7));
        assertEquals("1e+16", CheckpointSummary.pythonFloat(1e16));
        assertEquals("-2.5", CheckpointSummary.pythonFloat(-2.5));
        assertEquals("1.5e-07", CheckpointSummary.pythonFloat(1.5e-7));
    }
}
