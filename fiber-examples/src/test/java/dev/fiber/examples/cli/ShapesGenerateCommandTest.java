package dev.fiber.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code fiber shapes-generate}: writes the VQAv2-format files and reports the answer balance. */
class ShapesGenerateCommandTest {

    @TempDir
    Path tmp;

    private static int run(StringWriter out, StringWriter err, String... args) {
        CommandLine cli = new CommandLine(new FiberCli());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void writesImagesQuestionsAnnotationsAndVocabulary() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path dir = tmp.resolve("shapes");
        int code = run(out, err, "shapes-generate", "--seed", "3", "--count", "4", "--size", "64", "--out", dir.toString());
        assertEquals(0, code, err.toString());
        assertTrue(out.toString().contains("wrote 4 examples (64x64 px, seed 3)"), out.toString());
        assertTrue(out.toString().contains("4 questions; types"), out.toString());
        for (String f : new String[] {"questions.json", "annotations.json", "answers.txt", "images/shapes_000003.png"}) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
    }

    @Test
    void rejectsBadArguments() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertNotEquals(0, run(out, err, "shapes-generate", "--seed", "1", "--count", "0", "--out", tmp.toString()));
        assertTrue(err.toString().contains("--count must be >= 1"), err.toString());
        assertNotEquals(0, run(out, err, "shapes-generate", "--seed", "1", "--count", "2", "--size", "8", "--out", tmp.toString()));
    }
}
