package dev.fiber.tasks.grounding;

import dev.fiber.core.TestData;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fiber.core.image.RgbImage;
import dev.fiber.core.io.Npy;
import dev.fiber.core.io.NpyArray;
import dev.fiber.core.text.CharSpan;
import dev.fiber.tasks.grounding.weights.WeightSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** End to end: the reference RGB image and caption through preprocessing, tokenizer, model and rescale. */
class FiberGrounderTest {

    @Test
    void chunkedDetectionConcatenatesPerChunkResults() throws Exception {
        RgbImage image = referenceImage();
        try (WeightSource w = TinyFineModel.weights();
                FiberGrounder chunked = FiberGrounder.load(w, TinyFineModel.config().withDetectionChunk(1))) {
            GroundingResult both = chunked.detect(image, List.of("cat", "dog"));
            GroundingResult cat = chunked.detect(image, List.of("cat"));
            GroundingResult dog = chunked.detect(image, List.of("dog"));
            assertEquals("cat | dog", both.caption());
            assertEquals(cat.detections().size() + dog.detections().size(), both.detections().size());
            for (GroundingResult.Detection d : both.detections()) {
                GroundingResult src = d.label() == 1 ? cat : dog;
                assertEquals(d.label() == 1 ? "cat" : "dog", d.phrase());
                assertTrue(src.detections().stream().anyMatch(e -> e.score() == d.score() && e.x1() == d.x1()
                        && e.y2() == d.y2()), "detection " + d + " not found in its chunk's result");
            }
            for (int i = 1; i < both.detections().size(); i++) {
                assertTrue(both.detections().get(i - 1).score() >= both.detections().get(i).score());
            }
        }
    }

    private static RgbImage referenceImage() throws Exception {
        Map<String, NpyArray> ref = Npy.readNpz(TestData.file("fine/tiny_fine_cases.npz"));
        long[] shape = ref.get("input.image_rgb_uint8").shape();
        long[] px = ref.get("input.image_rgb_uint8").toLongArray();
        byte[] rgb = new byte[px.length];
        for (int i = 0; i < px.length; i++) {
            rgb[i] = (byte) px[i];
        }
        return RgbImage.of((int) shape[1], (int) shape[0], rgb);
    }

    @Test
    void groundsTheReferenceCaseFromRawInputs() throws Exception {
        Map<String, NpyArray> ref = Npy.readNpz(TestData.file("fine/tiny_fine_cases.npz"));
        RgbImage image = referenceImage();
        String caption = ref.get("input.caption").toStringScalar();
        long[] tp = ref.get("input.tokens_positive").toLongArray();
        GroundingResult result;
        try (WeightSource w = TinyFineModel.weights(); FiberGrounder g = FiberGrounder.load(w, TinyFineModel.config())) {
            result = g.ground(image, caption, List.of(List.of(new CharSpan((int) tp[0], (int) tp[1])),
                    List.of(new CharSpan((int) tp[2], (int) tp[3]))));
            GroundingResult byPhrase = g.groundPhrases(image, caption, List.of("a red cat", "a blue dog"));
            assertEquals(result.detections(), byPhrase.detections());
            assertThrows(IllegalArgumentException.class, () -> g.groundPhrases(image, caption, List.of("a bird")));
        }
        float[] refBoxes = ref.get("det_sorted_orig.boxes").toFloatArray();
        float[] refScores = ref.get("det_sorted.scores").toFloatArray();
        long[] refLabels = ref.get("det_sorted.labels").toLongArray();
        assertEquals(refScores.length, result.detections().size());
        double boxErr = 0;
        double scoreErr = 0;
        long[] labels = new long[refLabels.length];
        for (int i = 0; i < refScores.length; i++) {
            GroundingResult.Detection d = result.detections().get(i);
            labels[i] = d.label();
            float[] b = {d.x1(), d.y1(), d.x2(), d.y2()};
            for (int k = 0; k < 4; k++) {
                boxErr = Math.max(boxErr, Math.abs(b[k] - refBoxes[4 * i + k]));
            }
            scoreErr = Math.max(scoreErr, Math.abs(d.score() - refScores[i]));
        }
        assertArrayEquals(refLabels, labels);
        System.out.printf(Locale.ROOT, "end to end from the RGB image: %d boxes, max|box diff| %.3e px, "
                + "max|score diff| %.3e%n", labels.length, boxErr, scoreErr);
        assertTrue(boxErr <= 1e-3, "boxes differ by " + boxErr);
        assertTrue(scoreErr <= 1e-4, "scores differ by " + scoreErr);
        assertEquals("a red cat", result.detections().stream().filter(d -> d.label() == 1).findFirst().orElseThrow().phrase());
        assertEquals(200, result.imageSize().width());
    }
}
