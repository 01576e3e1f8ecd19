package dev.fiber.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code fiber inspect} on the reference checkpoints: text and JSON output, and a refused file. */
class InspectCommandTest {

    static Path data(String relative) {
        String root = System.getProperty("fiber.root");
        Path p = root != null ? Paths.get(root) : Paths.get("").toAbsolutePath();
        while (!Files.isDirectory(p.resolve("src-test-data"))) {
            p = p.getParent();
        }
        return p.resolve("src-test-data").resolve(relative);
    }

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new FiberCli());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void lightningCheckpointText() {
        Run r = run("inspect", data("coarse/tiny.ckpt").toString());
        assertEquals(0, r.code(), r.err());
        String o = r.out();
        assertTrue(o.contains("torch.save zip archive, archive name tiny, pickle protocol 2"), o);
        assertTrue(o.contains("state_dict        collections.OrderedDict  747 entries (747 tensors)"), o);
        assertTrue(o.contains("hyper-parameters:\n  config:\n"), o);
        assertTrue(o.contains("    image_size: 96\n"), o);
        assertTrue(o.contains("tensors (747):"), o);
        assertTrue(o.matches("(?s).*state_dict/rank_output\\.weight +float32 +\\[1, 96\\].*"), o);
        assertTrue(o.contains("  tensors:     747\n"), o);
        assertTrue(o.contains("  int64:"), o);
        System.out.println(o.substring(0, Math.min(o.length(), 3000)));
    }

    @Test
    void jsonAndLegacyAndSafetensorsRefusal() {
        Run r = run("inspect", "--json", data("checkpoints/views_legacy.pt").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"format\": \"torch.save legacy format\""), r.out());
        assertTrue(r.out().contains("\"key\": \"transposed\""), r.out());
        assertTrue(r.out().contains("\"shape\": [8, 6]"), r.out());

        Run bad = run("inspect", data("checkpoints/unsafe_os_system.pt").toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("refused pickle global posix.system"), bad.err());
    }
}
