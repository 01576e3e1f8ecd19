package dev.fiber.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fiber.core.io.Npy;
import dev.fiber.core.io.NpyArray;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code fiber parity} on the tiny reference checkpoint reproduces every reference output. */
class ParityCommandTest {

    private static final Set<String> INPUTS = Set.of("image", "image_1", "text_ids", "text_masks");

    static Path data(String relative) {
        String root = System.getProperty("fiber.root");
        Path p = root != null ? Paths.get(root) : Paths.get("").toAbsolutePath();
        while (!Files.isDirectory(p.resolve("src-test-data"))) {
            p = p.getParent();
        }
        return p.resolve("src-test-data").resolve(relative);
    }

    @Test
    void harnessOutputEqualsTheReference(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out.npz");
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new FiberCli());
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("parity", "--checkpoint", data("coarse/tiny.ckpt").toString(), "--inputs",
                data("coarse/tiny_cases.npz").toString(), "--out", out.toString(), "--device", "cpu");
        assertEquals(0, code, err.toString());
        Map<String, NpyArray> ref = Npy.readNpz(data("coarse/tiny_cases.npz"));
        Map<String, NpyArray> got = Npy.readNpz(out);
        int compared = 0;
        for (Map.Entry<String, NpyArray> e : ref.entrySet()) {
            if (INPUTS.contains(e.getKey())) {
                continue;
            }
            NpyArray g = got.get(e.getKey());
            assertTrue(g != null, "missing output " + e.getKey());
            assertArrayEquals(e.getValue().shape(), g.shape(), e.getKey());
            if (e.getValue().kind() == 'i') {
                assertArrayEquals(e.getValue().toLongArray(), g.toLongArray(), e.getKey());
            } else {
                float[] r = e.getValue().toFloatArray();
                float[] v = g.toFloatArray();
                double worst = 0;
                for (int i = 0; i < r.length; i++) {
                    worst = Math.max(worst, Math.abs(r[i] - v[i]) / (1e-4 + 1e-4 * Math.abs(r[i])));
                }
                System.out.printf("%-32s max err / tol %.3f%n", e.getKey(), worst);
                assertTrue(worst <= 1, e.getKey() + ": error " + worst + " x tolerance");
            }
            compared++;
        }
        assertEquals(ref.size() - INPUTS.size(), compared);
    }

    @Test
    void absentInputsAreSkipped(@TempDir Path tmp) throws Exception {
        Map<String, NpyArray> ref = Npy.readNpz(data("coarse/tiny_cases.npz"));
        Path in = tmp.resolve("text_only.npz");
        LinkedHashMap<String, Npy.Entry> text = new LinkedHashMap<>();
        text.put("text_ids", Npy.Entry.of(ref.get("text_ids").toLongArray(), ref.get("text_ids").shape()));
        text.put("text_masks", Npy.Entry.of(ref.get("text_masks").toLongArray(), ref.get("text_masks").shape()));
        Npy.writeNpz(in, text);
        Path out = tmp.resolve("out.npz");
        int code = new CommandLine(new FiberCli()).execute("parity", "--checkpoint", data("coarse/tiny.ckpt").toString(), "--inputs",
                in.toString(), "--out", out.toString(), "--device", "cpu");
        assertEquals(0, code);
        Map<String, NpyArray> got = Npy.readNpz(out);
        assertEquals(Set.of("itc_text_cls", "itc_text_feats"), got.keySet());
        float[] r = ref.get("itc_text_cls").toFloatArray();
        float[] v = got.get("itc_text_cls").toFloatArray();
        for (int i = 0; i < r.length; i++) {
            assertEquals(r[i], v[i], 1e-4 + 1e-4 * Math.abs(r[i]));
        }
    }
}
