package dev.fiber.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fiber.core.image.RgbImage;
import dev.fiber.core.io.Npy;
import dev.fiber.core.io.NpyArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import javax.imageio.ImageIO;

/** {@code fiber ground-eval} and {@code fiber detect-eval} on tiny hand-made sets. */
class EvalCommandsTest {

    private static void referenceImage(Path file) throws Exception {
        Map<String, NpyArray> ref = Npy.readNpz(InspectCommandTest.data("fine/tiny_fine_cases.npz"));
        long[] shape = ref.get("input.image_rgb_uint8").shape();
        long[] px = ref.get("input.image_rgb_uint8").toLongArray();
        byte[] rgb = new byte[px.length];
        for (int i = 0; i < px.length; i++) {
            rgb[i] = (byte) px[i];
        }
        ImageIO.write(RgbImage.of((int) shape[1], (int) shape[0], rgb).toBufferedImage(), "png", file.toFile());
    }

    private static String[] model() {
        return new String[] {"-w", InspectCommandTest.data("fine/tiny_fine.pth").toString(),
            "--config", InspectCommandTest.data("fine/tiny_fine_config.yaml").toString(), "--text-heads", "4"};
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void groundEvalOnATinyFlickrSet(@TempDir Path dir) throws Exception {
        referenceImage(dir.resolve("1.png"));
        // the reference case: its best detection for "a blue dog" is (0, 23.371, 53.105, 93.589) in the image
        String json = """
                {"images": [{"file_name": "1.png", "height": 150, "width": 200, "id": 0,
                  "caption": "a red cat. a blue dog.", "sentence_id": 0, "original_img_id": 1,
                  "tokens_positive_eval": [[[0, 9]], [[11, 21]]]}],
                 "annotations": [
                  {"image_id": 0, "id": 1, "bbox": [0, 23, 53, 70], "tokens_positive": [[11, 21]]},
                  {"image_id": 0, "id": 2, "bbox": [150, 0, 50, 20], "tokens_positive": [[0, 9]]}],
                 "categories": [{"id": 1, "name": "object"}]}
                """;
        Path ann = dir.resolve("final_flickr_separateGT_test.json");
        Files.writeString(ann, json);
        Path out = dir.resolve("r.json");
        InspectCommandTest.Run r = InspectCommandTest.run(concat(new String[] {"ground-eval"},
                concat(model(), "-a", ann.toString(), "--images", dir.toString(), "--json", out.toString())));
        assertEquals(0, r.code(), r.err());
        // "a blue dog": its best box overlaps the ground truth (IoU ~0.99); "a red cat": its best box is the same
        // box (labels 1 and 2 share it), far from the cat's ground truth
        assertTrue(r.out().contains("2 phrases in 1 sentences (separate boxes, IoU >= 0.50): R@1 0.5000"), r.out());
        String res = Files.readString(out);
        assertTrue(res.contains("\"Recall@1_all\"") && res.contains("\"Upper_bound_all\""), res);
        InspectCommandTest.Run bad = InspectCommandTest.run(concat(new String[] {"ground-eval"},
                concat(model(), "-a", ann.toString(), "--images", dir.toString(), "--gt-mode", "union")));
        assertTrue(bad.code() != 0 && bad.err().contains("--gt-mode must be separate or merged"), bad.err());
    }

    @Test
    void detectEvalOfAResultsFileAndOfTheModel(@TempDir Path dir) throws Exception {
        referenceImage(dir.resolve("1.png"));
        Path gt = dir.resolve("instances.json");
        Files.writeString(gt, """
                {"images": [{"id": 1, "file_name": "1.png", "width": 200, "height": 150}],
                 "categories": [{"id": 3, "name": "cat"}, {"id": 1, "name": "dog"}],
                 "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [10, 10, 50, 50], "area": 2500,
                   "iscrowd": 0}]}
                """);
        Path dets = dir.resolve("dets.json");
        // a false positive ranked before the true positive: AP = 0.5 (see CocoEvalTest)
        Files.writeString(dets, "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [100, 100, 50, 50], \"score\": 0.9},"
                + " {\"image_id\": 1, \"category_id\": 1, \"bbox\": [10, 10, 50, 50], \"score\": 0.8}]");
        InspectCommandTest.Run r = InspectCommandTest.run("detect-eval", "-a", gt.toString(), "--detections", dets.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.500"), r.out());
        Path saved = dir.resolve("saved.json");
        Path stats = dir.resolve("stats.json");
        InspectCommandTest.Run m = InspectCommandTest.run(concat(new String[] {"detect-eval"}, concat(model(),
                "-a", gt.toString(), "--images", dir.toString(), "--save-detections", saved.toString(),
                "--json", stats.toString())));
        assertEquals(0, m.code(), m.err());
        assertTrue(m.out().contains("1 images, 2 categories, "), m.out());
        assertTrue(Files.readString(saved).contains("\"category_id\":"), Files.readString(saved));
        assertTrue(Files.readString(stats).startsWith("{\"AP\": "), Files.readString(stats));
        InspectCommandTest.Run both = InspectCommandTest.run("detect-eval", "-a", gt.toString());
        assertTrue(both.code() != 0 && both.err().contains("give either -w"), both.err());
    }
}
