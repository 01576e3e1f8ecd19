package dev.fiber.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fiber.core.TestData;
import dev.fiber.core.io.Npy;
import dev.fiber.core.io.NpyArray;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fine-grained input pipeline against {@code src-test-data/fine/tiny_fine_cases.npz}: PIL bilinear
 * resize 150x200 -> 120x160 (bytes identical), BGR x255 normalisation with the config's mean/std and
 * zero padding to 128x160 (values identical), and the sizes.
 */
class FineTransformTest {

    private static Map<String, NpyArray> npz;
    private static FineTransform tiny;

    @BeforeAll
    static void load() throws IOException {
        npz = Npy.readNpz(TestData.file("fine/tiny_fine_cases.npz"));
        String yaml = Files.readString(TestData.file("fine/tiny_fine_config.yaml"));
        int min = intAfter(yaml, "MIN_SIZE_TEST");
        int max = intAfter(yaml, "MAX_SIZE_TEST");
        assertEquals(32, intAfter(yaml, "SIZE_DIVISIBILITY"));
        assertArrayEquals(FineTransform.DEFAULT.pixelMean(), floatsAfter(yaml, "PIXEL_MEAN"));
        assertArrayEquals(FineTransform.DEFAULT.pixelStd(), floatsAfter(yaml, "PIXEL_STD"));
        tiny = FineTransform.DEFAULT.withSizes(min, max);
    }

    private static int intAfter(String yaml, String key) {
        Matcher m = Pattern.compile("\\b" + key + ": (\\d+)").matcher(yaml);
        if (!m.find()) {
            throw new AssertionError(key + " not in config");
        }
        return Integer.parseInt(m.group(1));
    }

    private static float[] floatsAfter(String yaml, String key) {
        Matcher m = Pattern.compile("\\b" + key + ":\\s*\\n\\s*- ([\\d.]+)\\s*\\n\\s*- ([\\d.]+)\\s*\\n\\s*- ([\\d.]+)")
                .matcher(yaml);
        if (!m.find()) {
            throw new AssertionError(key + " not in config");
        }
        return new float[] {Float.parseFloat(m.group(1)), Float.parseFloat(m.group(2)), Float.parseFloat(m.group(3))};
    }

    private static RgbImage image(String key) {
        NpyArray a = npz.get(key);
        long[] v = a.toLongArray();
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return RgbImage.of((int) a.shape()[1], (int) a.shape()[0], b);
    }

    @Test
    void bilinearResizeIsByteExact() {
        RgbImage original = image("input.image_rgb_uint8");
        RgbImage want = image("input.image_resized_rgb_uint8");
        RgbImage got = tiny.resize(original);
        assertEquals(160, got.width());
        assertEquals(120, got.height());
        byte[] g = got.toByteArray();
        byte[] w = want.toByteArray();
        int maxDiff = 0;
        int differing = 0;
        for (int i = 0; i < g.length; i++) {
            int d = Math.abs((g[i] & 0xFF) - (w[i] & 0xFF));
            maxDiff = Math.max(maxDiff, d);
            differing += d == 0 ? 0 : 1;
        }
        System.out.printf("fine bilinear resize: max |diff| %d, differing bytes %d of %d%n", maxDiff, differing, g.length);
        assertArrayEquals(w, g);
    }

    @Test
    void pixelValuesAndSizes() {
        FineImageInput in = tiny.apply(image("input.image_rgb_uint8"));
        assertArrayEquals(new long[] {120, 160}, npz.get("input.image_size_hw").toLongArray());
        assertEquals(new ImageSize(120, 160), in.imageSize());
        assertEquals(new ImageSize(150, 200), in.originalSize());
        assertEquals(new ImageSize(128, 160), in.paddedSize());
        assertArrayEquals(new long[] {150, 200}, npz.get("input.orig_size_hw").toLongArray());
        float[] want = npz.get("input.pixel_values").toFloatArray();
        assertArrayEquals(new long[] {1, 3, 128, 160}, npz.get("input.pixel_values").shape());
        double max = 0;
        for (int i = 0; i < want.length; i++) {
            max = Math.max(max, Math.abs(in.pixels()[i] - want[i]));
        }
        System.out.printf("fine pixel_values: max |diff| %.3g%n", max);
        assertArrayEquals(want, in.pixels());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = in.toNDArray(m);
            assertEquals(new Shape(1, 3, 128, 160), a.getShape());
            FineImageBatch b = tiny.batch(List.of(image("input.image_rgb_uint8"), image("input.image_resized_rgb_uint8")), m);
            assertEquals(new Shape(2, 3, 128, 160), b.pixels().getShape());
            assertArrayEquals(want, b.pixels().get(0).toFloatArray());
            assertEquals(List.of(new ImageSize(120, 160), new ImageSize(120, 160)), b.imageSizes());
            assertEquals(List.of(new ImageSize(150, 200), new ImageSize(120, 160)), b.originalSizes());
        }
    }

    @Test
    void getSizeRules() {
        FineTransform t = FineTransform.DEFAULT;
        assertEquals(new ImageSize(800, 1066), t.targetSize(new ImageSize(480, 640)));
        assertEquals(new ImageSize(1066, 800), t.targetSize(new ImageSize(640, 480)));
        // long side capped: 2000x500 -> short side round(1333*500/2000) = round(333.25) = 333
        assertEquals(new ImageSize(333, 1332), t.targetSize(new ImageSize(500, 2000)));
        // Python round() is half-to-even: 1333 * 3 / 8 = 499.875 -> 500; 1334*... use an exact .5 case
        FineTransform even = t.withSizes(800, 1001);
        assertEquals(500, even.targetSize(new ImageSize(1000, 2002)).height()); // 1001*1000/2002 = 500.0
        FineTransform half = t.withSizes(800, 5);
        assertEquals(2, half.targetSize(new ImageSize(1, 2)).height()); // round(2.5) = 2
        // already at the target short side: unchanged
        assertEquals(new ImageSize(800, 1200), t.targetSize(new ImageSize(800, 1200)));
        FineTransform fixed = new FineTransform(512, 640, 32, t.pixelMean(), t.pixelStd(), "bgr255", true);
        assertEquals(new ImageSize(512, 640), fixed.targetSize(new ImageSize(100, 100)));
        assertThrows(IllegalArgumentException.class,
                () -> new FineTransform(800, 1333, 32, new float[2], t.pixelStd(), "bgr255", false));
        assertThrows(IllegalArgumentException.class,
                () -> new FineTransform(800, 1333, 32, t.pixelMean(), t.pixelStd(), "hsv", false));
    }

    @Test
    void rgbFormatSkipsFlipAndScale() {
        RgbImage one = RgbImage.of(1, 1, new byte[] {(byte) 255, 0, 51});
        FineTransform rgb = new FineTransform(1, 0, 0, new float[] {0.5f, 0f, 0f}, new float[] {0.5f, 1f, 1f}, "rgb", false);
        assertArrayEquals(new float[] {1f, 0f, 0.2f}, rgb.normalize(one), 1e-7f);
        FineTransform bgr255 = new FineTransform(1, 0, 0, new float[] {0f, 0f, 0f}, new float[] {1f, 1f, 1f}, "bgr255", false);
        assertArrayEquals(new float[] {51f, 0f, 255f}, bgr255.normalize(one), 1e-4f);
    }
}
