package dev.fiber.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fiber.core.TestData;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The tiny reference checkpoints of the official model, {@code coarse/tiny.ckpt} (Lightning) and
 * {@code fine/tiny_fine.pth} (maskrcnn/DDP): every key, dtype and shape against their
 * {@code state_dict_keys.txt}, and values spot-checked (including the shared-storage view
 * {@code rank_output.weight} and buffers whose content is known exactly).
 */
class TinyCheckpointTest {

    /** key, dtype, shape of one line of a state_dict_keys.txt (either column order). */
    record KeyLine(String key, String dtype, long[] shape) {
    }

    static List<KeyLine> keyLines(String file) throws Exception {
        List<KeyLine> out = new ArrayList<>();
        for (String line : Files.readAllLines(TestData.file(file), StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t");
            String shape = f[1].startsWith("[") ? f[1] : f[2];
            String dtype = f[1].startsWith("[") ? f[2] : f[1];
            String inner = shape.substring(1, shape.length() - 1).trim();
            long[] dims = inner.isEmpty() ? new long[0]
                    : Arrays.stream(inner.split(",")).map(String::trim).mapToLong(Long::parseLong).toArray();
            out.add(new KeyLine(f[0], dtype, dims));
        }
        return out;
    }

    static void checkKeys(Map<String, TensorRef> sd, List<KeyLine> lines) {
        assertEquals(lines.size(), sd.size());
        List<String> keys = new ArrayList<>(sd.keySet());
        for (int i = 0; i < lines.size(); i++) {
            KeyLine l = lines.get(i);
            assertEquals(l.key(), keys.get(i), "key order at " + i);
            TensorRef t = sd.get(l.key());
            assertEquals(l.dtype(), t.dtype().torchName(), l.key());
            assertArrayEquals(l.shape(), t.shape(), l.key());
            assertEquals(l.key(), t.key());
        }
    }

    /** Swin's relative_position_index for a w x w window, computed from its definition. */
    static long[] relativePositionIndex(int w) {
        int n = w * w;
        long[] out = new long[n * n];
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                int dy = a / w - b / w + w - 1;
                int dx = a % w - b % w + w - 1;
                out[a * n + b] = (long) dy * (2 * w - 1) + dx;
            }
        }
        return out;
    }

    @Test
    void coarseTinyCheckpoint() throws Exception {
        try (TorchCheckpoint ckpt = TorchCheckpoint.open(TestData.file("coarse/tiny.ckpt"))) {
            assertEquals("tiny", ckpt.archiveName());
            Map<String, TensorRef> sd = ckpt.stateDict();
            checkKeys(sd, keyLines("coarse/state_dict_keys.txt"));

            TensorRef rank = sd.get("rank_output.weight");
            TensorRef itm = sd.get("itm_score.fc.weight");
            assertEquals(itm.storageName(), rank.storageName(), "rank_output.weight views itm_score.fc.weight");
            assertEquals(96, rank.storageOffset());
            float[] itmW = itm.readFloats();
            assertArrayEquals(Arrays.copyOfRange(itmW, 96, 192), rank.readFloats(), 0f, "rank_output = itm row 1");
            float[] itmB = sd.get("itm_score.fc.bias").readFloats();
            assertArrayEquals(new float[] {itmB[1]}, sd.get("rank_output.bias").readFloats(), 0f);
            assertEquals(1, sd.get("rank_output.bias").storageOffset());

            // values from the reference dump of this checkpoint (torch), printed with 9 digits: exact
            assertEquals(0.0631546f, sd.get("temp").readFloats()[0], 0f);
            assertEquals(0, sd.get("temp").shape().length);
            float[] w = sd.get("cross_modal_text_transform.weight").readFloats();
            assertEquals(-0.0563163459f, w[0], 0f);
            assertEquals(-0.120815426f, w[1], 0f);
            assertEquals(0.00815668236f, w[w.length - 1], 0f);
            float[] bias = sd.get("mlm_score.bias").readFloats();
            assertEquals(7.10327339f, bias[2], 0f, "</s> bias raised by eos_bias_boost");
            float[] emb = sd.get("text_transformer.embeddings.word_embeddings.weight").readFloats();
            assertEquals(50265 * 32, emb.length);
            assertEquals(-0.00723300222f, emb[0], 0f);
            assertEquals(-0.00868211687f, emb[emb.length - 1], 0f);

            long[] pos = sd.get("text_transformer.embeddings.position_ids").readLongs();
            for (int i = 0; i < pos.length; i++) {
                assertEquals(i, pos[i]);
            }
            assertArrayEquals(relativePositionIndex(3),
                    sd.get("vit_model.layers.2.blocks.14.attn.relative_position_index").readLongs());
            for (float v : sd.get("vit_model.layers.0.blocks.1.attn_mask").readFloats()) {
                assertTrue(v == 0f || v == -100f, "attn_mask holds 0 / -100");
            }

            Map<String, Object> hp = ckpt.hyperParameters();
            Map<?, ?> config = (Map<?, ?>) hp.get("config");
            assertEquals(96L, config.get("image_size"));
            assertEquals(48L, config.get("hidden_size"));
            assertEquals(40L, config.get("max_text_len"));
            assertEquals(Boolean.TRUE, config.get("itc_pooler"));
            Map<?, ?> arch = (Map<?, ?>) config.get("refgen_arch");
            assertEquals(7.0, (Double) arch.get("eos_bias_boost"), 0.0);
        }
    }

    @Test
    void fineTinyCheckpoint() throws Exception {
        try (TorchCheckpoint ckpt = TorchCheckpoint.open(TestData.file("fine/tiny_fine.pth"))) {
            Map<String, TensorRef> sd = ckpt.stateDict();
            checkKeys(sd, keyLines("fine/state_dict_keys.txt"));
            float[] w = sd.get("module.fusion_backbone.backbone.body.patch_embed.proj.weight").readFloats();
            assertEquals(-0.00108062942f, w[0], 0f);
            assertEquals(0.0774289593f, w[1], 0f);
            assertEquals(0.125224382f, w[w.length - 1], 0f);
            assertArrayEquals(relativePositionIndex(12),
                    sd.get("module.fusion_backbone.backbone.body.layers.0.blocks.0.attn.relative_position_index")
                            .readLongs());
            assertTrue(ckpt.hyperParameters().isEmpty());
        }
    }
}
