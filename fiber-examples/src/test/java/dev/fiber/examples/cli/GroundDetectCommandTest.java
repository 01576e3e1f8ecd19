package dev.fiber.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fiber.core.image.RgbImage;
import dev.fiber.core.io.Npy;
import dev.fiber.core.io.NpyArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import javax.imageio.ImageIO;

/** {@code fiber ground} and {@code fiber detect} on the tiny fine-grained checkpoint. */
class GroundDetectCommandTest {

    private static Path referenceImage(Path dir) throws Exception {
        Map<String, NpyArray> ref = Npy.readNpz(InspectCommandTest.data("fine/tiny_fine_cases.npz"));
        long[] shape = ref.get("input.image_rgb_uint8").shape();
        long[] px = ref.get("input.image_rgb_uint8").toLongArray();
        byte[] rgb = new byte[px.length];
        for (int i = 0; i < px.length; i++) {
            rgb[i] = (byte) px[i];
        }
        Path png = dir.resolve("case.png");
        ImageIO.write(RgbImage.of((int) shape[1], (int) shape[0], rgb).toBufferedImage(), "png", png.toFile());
        return png;
    }

    @Test
    void groundWritesJsonAndAnnotatedPng(@TempDir Path dir) throws Exception {
        Path image = referenceImage(dir);
        Path png = dir.resolve("out.png");
        Path json = dir.resolve("out.json");
        InspectCommandTest.Run r = InspectCommandTest.run("ground",
                "-w", InspectCommandTest.data("fine/tiny_fine.pth").toString(),
                "--config", InspectCommandTest.data("fine/tiny_fine_config.yaml").toString(), "--text-heads", "4",
                "-i", image.toString(), "-c", "a red cat. a blue dog.", "-p", "a red cat", "-p", "a blue dog",
                "-t", "0", "--json", json.toString(), "--png", png.toString());
        assertEquals(0, r.code(), r.err());
        String text = Files.readString(json);
        // the reference's best detection: label 2, score 0.5829571, box (0, 23.371, 53.105, 93.589) in the original
        assertTrue(text.contains("{\"label\": 2, \"phrase\": \"a blue dog\", \"score\": 0.58295"), text);
        assertTrue(text.contains("\"box\": [0.000, 23.371, 53.105, 93.589]"), text);
        assertEquals(30, text.split("\"label\"").length - 1, text);
        BufferedImage drawn = ImageIO.read(png.toFile());
        assertEquals(200, drawn.getWidth());
        assertEquals(150, drawn.getHeight());
    }

    @Test
    void groundFindsNounPhrasesWithoutSpans(@TempDir Path dir) throws Exception {
        Path image = referenceImage(dir);
        String w = InspectCommandTest.data("fine/tiny_fine.pth").toString();
        String cfg = InspectCommandTest.data("fine/tiny_fine_config.yaml").toString();
        InspectCommandTest.Run r = InspectCommandTest.run("ground", "-w", w, "--config", cfg, "--text-heads", "4",
                "-i", image.toString(), "-c", "a red cat. a blue dog.", "-t", "0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("phrases found (heuristic): 'a red cat' [0, 9) 'a blue dog' [11, 21)"), r.err());
        // same spans as the reference case, so the same best detection
        assertTrue(r.out().contains("{\"label\": 2, \"phrase\": \"a blue dog\", \"score\": 0.58295"), r.out());
        InspectCommandTest.Run none = InspectCommandTest.run("ground", "-w", w, "--config", cfg, "--text-heads", "4",
                "-i", image.toString(), "-c", "it is there");
        assertTrue(none.code() != 0);
        assertTrue(none.err().contains("no noun phrase found"), none.err());
        InspectCommandTest.Run empty = InspectCommandTest.run("ground", "-w", w, "--config", cfg, "--text-heads", "4",
                "-i", image.toString(), "-c", " ");
        assertTrue(empty.code() != 0);
        assertTrue(empty.err().contains("the caption is empty"), empty.err());
    }

    @Test
    void detectPrintsJson(@TempDir Path dir) throws Exception {
        Path image = referenceImage(dir);
        InspectCommandTest.Run r = InspectCommandTest.run("detect",
                "-w", InspectCommandTest.data("fine/tiny_fine.pth").toString(),
                "--config", InspectCommandTest.data("fine/tiny_fine_config.yaml").toString(), "--text-heads", "4",
                "-i", image.toString(), "-k", "cat,dog", "-t", "0.5");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"caption\": \"cat. dog\""), r.out());
        assertTrue(r.out().contains("\"phrase\": \"cat\""), r.out());
        InspectCommandTest.Run bad = InspectCommandTest.run("detect",
                "-w", InspectCommandTest.data("fine/tiny_fine.pth").toString(), "--ema",
                "-i", image.toString(), "-k", "cat");
        assertTrue(bad.code() != 0);
        assertTrue(bad.err().contains("model_ema"), bad.err());
    }
}
