package dev.fiber.tasks.data.augment;

import dev.fiber.core.TestData;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fiber.core.image.RgbImage;
import dev.fiber.core.io.Npy;
import dev.fiber.core.io.NpyArray;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Byte-exact parity of the RandAugment ops with the official {@code randaug.py} functions.
 *
 * <p>{@code src-test-data/tasks/randaug_oracle.npz} holds six small uint8 images (random, a
 * min-above-zero random image, a noisy gradient, a hard black/white edge, a constant image, a 33x47
 * noisy image) and the outputs of the official functions on them, computed with OpenCV 4.6.0 and numpy
 * 1.24.2 (see {@code src-test-data/tasks/README.md}). Every op must reproduce every byte.
 */
class RandAugOracleTest {

    private static final String[] IMAGES = {"a", "b", "c", "d", "e", "f"};
    private static final int[] FILL = ImageOps.GRAY_FILL;
    private static Map<String, NpyArray> oracle;

    @BeforeAll
    static void load() throws IOException {
        oracle = Npy.readNpz(TestData.file("tasks/randaug_oracle.npz"));
    }

    static RgbImage image(String key) {
        NpyArray a = oracle.get(key);
        if (a == null) {
            throw new IllegalStateException("oracle has no array " + key);
        }
        long[] v = a.toLongArray();
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return RgbImage.of((int) a.shape()[1], (int) a.shape()[0], b);
    }

    private static void check(String op, UnaryOperator<RgbImage> f) {
        Map<String, Integer> diffs = new TreeMap<>();
        for (String k : IMAGES) {
            RgbImage in = image("in_" + k);
            RgbImage expected = image(k + "_" + op);
            RgbImage actual = f.apply(in);
            assertEquals(expected.width(), actual.width());
            assertEquals(expected.height(), actual.height());
            byte[] e = expected.toByteArray();
            byte[] a = actual.toByteArray();
            int bad = 0;
            int maxDiff = 0;
            for (int i = 0; i < e.length; i++) {
                int d = Math.abs((e[i] & 0xFF) - (a[i] & 0xFF));
                if (d != 0) {
                    bad++;
                    maxDiff = Math.max(maxDiff, d);
                }
            }
            diffs.put(k, maxDiff);
            assertEquals(0, bad, op + " on image " + k + ": " + bad + " of " + e.length
                    + " bytes differ (max |diff| " + maxDiff + ")");
        }
        System.out.println("randaug oracle " + op + ": max |diff| per image " + diffs);
    }

    @Test
    void autoContrastReproducesTheUint8Negation() {
        check("autocontrast", img -> ImageOps.autoContrast(img, AugmentFidelity.OFFICIAL));
    }

    @Test
    void equalize() {
        check("equalize", ImageOps::equalize);
    }

    @Test
    void brightness() {
        check("brightness_1.36", img -> ImageOps.brightness(img, 1.36));
        check("brightness_0.1", img -> ImageOps.brightness(img, 0.1));
    }

    @Test
    void sharpnessIncludingWrapAround() {
        check("sharpness_1.36", img -> ImageOps.sharpness(img, 1.36, AugmentFidelity.OFFICIAL));
        check("sharpness_1.9", img -> ImageOps.sharpness(img, 1.9, AugmentFidelity.OFFICIAL));
        check("sharpness_0.3", img -> ImageOps.sharpness(img, 0.3, AugmentFidelity.OFFICIAL));
        check("sharpness_0.0", img -> ImageOps.sharpness(img, 0.0, AugmentFidelity.OFFICIAL));
    }

    @Test
    void shears() {
        for (double s : new double[] {0.21, -0.21, 0.3}) {
            String tag = fmt(s);
            check("shearx_" + tag, img -> ImageOps.shearX(img, s, FILL));
            check("sheary_" + tag, img -> ImageOps.shearY(img, s, FILL));
        }
    }

    @Test
    void translations() {
        for (double t : new double[] {7.0, -7.0, 2.5}) {
            String tag = fmt(t);
            check("translatex_" + tag, img -> ImageOps.translateX(img, t, FILL));
            check("translatey_" + tag, img -> ImageOps.translateY(img, t, FILL));
        }
    }

    @Test
    void rotations() {
        for (double d : new double[] {21.0, -21.0, 90.0, 3.0}) {
            String tag = fmt(d);
            check("rotate_" + tag, img -> ImageOps.rotate(img, d, FILL));
        }
    }

    @Test
    void levelMappingsMatchPython() {
        double enhance = oracle.get("enhance_factor_7").toDoubleArray()[0];
        assertEquals(enhance, RandAugOp.enhanceFactor(7), 0.0);
        assertEquals(oracle.get("shear_level_7").toDoubleArray()[0], (7 / 10.0) * 0.3, 0.0);
        assertEquals(oracle.get("rotate_level_7").toDoubleArray()[0], (7 / 10.0) * 30, 0.0);
        assertTrue(Math.abs(enhance - 1.36) < 1e-12);
    }

    /** Python's {@code "%g"} for the few values used as keys. */
    private static String fmt(double v) {
        if (v == Math.rint(v)) {
            return String.valueOf((long) v);
        }
        return String.valueOf(v);
    }
}
