package dev.fiber.tasks.grounding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fiber.core.image.ImageDecoder;
import dev.fiber.core.image.RgbImage;
import dev.fiber.core.text.CharSpan;
import dev.fiber.tasks.grounding.weights.WeightSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Bad inputs to the grounder give a clear error, not an index error or an empty result. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GroundingBadInputTest {

    private FiberGrounder grounder;
    private RgbImage image;

    @BeforeAll
    void load() throws Exception {
        try (WeightSource w = TinyFineModel.weights()) {
            grounder = FiberGrounder.load(w, TinyFineModel.config());
        }
        byte[] rgb = new byte[40 * 30 * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) (i * 31);
        }
        image = RgbImage.of(40, 30, rgb);
    }

    @AfterAll
    void close() {
        grounder.close();
    }

    private static void fails(String expectedPart, Executable e) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(expectedPart), "message '" + ex.getMessage() + "' lacks '" + expectedPart + "'");
    }

    @Test
    void noPhrases() {
        fails("no phrases", () -> grounder.ground(image, "a red cat", List.of()));
        fails("no phrases", () -> grounder.groundPhrases(image, "a red cat", List.of()));
        fails("has no character span", () -> grounder.ground(image, "a red cat", List.of(List.of())));
        fails("no noun phrase found", () -> grounder.groundNounPhrases(image, "it is there"));
        fails("no categories", () -> grounder.detect(image, List.of()));
        fails("empty category name", () -> grounder.detect(image, List.of("cat", " ")));
    }

    @Test
    void spansOutsideTheCaption() {
        fails("lies outside the caption (9 characters)",
                () -> grounder.ground(image, "a red cat", List.of(List.of(new CharSpan(2, 12)))));
        fails("lies outside the caption", () -> grounder.ground(image, "a red cat", List.of(List.of(new CharSpan(9, 10)))));
        fails("is empty", () -> grounder.ground(image, "a red cat", List.of(List.of(new CharSpan(3, 3)))));
        fails("covers no token", () -> grounder.ground(image, "a red  cat", List.of(List.of(new CharSpan(5, 6)))));
        fails("does not occur in the caption", () -> grounder.groundPhrases(image, "a red cat", List.of("a dog")));
        assertThrows(IllegalArgumentException.class, () -> new CharSpan(-1, 2));
        assertThrows(IllegalArgumentException.class, () -> new CharSpan(4, 2));
    }

    @Test
    void emptyCaption() {
        fails("caption is empty", () -> grounder.ground(image, "", List.of(List.of(new CharSpan(0, 0)))));
        fails("caption is empty", () -> grounder.groundPhrases(image, "  ", List.of(" ")));
        fails("caption is empty", () -> grounder.groundNounPhrases(image, ""));
        fails("caption is empty", () -> grounder.ground(image, null, List.of(List.of(new CharSpan(0, 1)))));
    }

    @Test
    void emptyOrZeroSizeImage(@TempDir Path dir) throws Exception {
        fails("image size must be positive", () -> RgbImage.of(0, 0, new byte[0]));
        fails("image size must be positive", () -> RgbImage.of(5, 0, new byte[0]));
        fails("expected", () -> RgbImage.of(2, 2, new byte[5]));
        Path empty = dir.resolve("empty.png");
        Files.write(empty, new byte[0]);
        IOException io = assertThrows(IOException.class, () -> ImageDecoder.read(empty));
        assertTrue(io.getMessage().contains("empty.png"), io.getMessage());
        assertThrows(NullPointerException.class, () -> grounder.ground(null, "a cat", List.of(List.of(new CharSpan(0, 5)))));
        // the smallest image is fine: 1x1 is resized to the test size like any other
        byte[] px = {10, 20, 30};
        GroundingResult r = grounder.ground(RgbImage.of(1, 1, px), "a cat", List.of(List.of(new CharSpan(0, 5))));
        assertEquals(1, r.imageSize().width());
        assertFalse(r.detections().stream().anyMatch(d -> d.x2() > 1 || d.y2() > 1), r.detections().toString());
    }
}
