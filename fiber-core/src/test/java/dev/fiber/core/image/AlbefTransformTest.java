package dev.fiber.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fiber.core.TestData;
import dev.fiber.core.io.Npy;
import dev.fiber.core.io.NpyArray;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * {@code albef_transform(96)} and {@code albef_transform(384)} against
 * {@code src-test-data/coarse/preprocess_cases.npz}: from the decoded {@code <img>__rgb} arrays (resize +
 * normalise only) and end to end from the files in {@code images/}.
 */
class AlbefTransformTest {

    /** One uint8 step after normalisation with the largest std. */
    private static final double ONE_STEP = 1.0 / (255 * 0.225) + 1e-6;

    private static Map<String, NpyArray> npz;

    @BeforeAll
    static void load() throws IOException {
        npz = Npy.readNpz(TestData.file("coarse/preprocess_cases.npz"));
    }

    static RgbImage decoded(String name) {
        NpyArray a = npz.get(name + "__rgb");
        long[] s = a.shape();
        long[] v = a.toLongArray();
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return RgbImage.of((int) s[1], (int) s[0], b);
    }

    /** @return {max |diff|, mean |diff|, fraction identical} */
    static double[] compare(float[] got, float[] want) {
        assertEquals(want.length, got.length);
        double max = 0;
        double sum = 0;
        long same = 0;
        for (int i = 0; i < got.length; i++) {
            double d = Math.abs((double) got[i] - want[i]);
            max = Math.max(max, d);
            sum += d;
            if (Float.floatToIntBits(got[i]) == Float.floatToIntBits(want[i])) {
                same++;
            }
        }
        return new double[] {max, sum / got.length, (double) same / got.length};
    }

    @ParameterizedTest(name = "{0} at {1} from decoded pixels")
    @CsvSource({"a,96", "a,384", "b,96", "b,384", "c,96", "c,384"})
    void fromDecodedPixels(String name, int size) {
        float[] got = new AlbefTransform(size).apply(decoded(name));
        double[] r = compare(got, npz.get(name + "__size" + size).toFloatArray());
        System.out.printf("albef %s size %d from __rgb: max |diff| %.3g, mean %.3g, identical %.4f%%%n",
                name, size, r[0], r[1], 100 * r[2]);
        assertTrue(r[0] <= ONE_STEP, "max diff " + r[0]);
        assertTrue(r[2] >= 0.99, "identical fraction " + r[2]);
    }

    @ParameterizedTest(name = "{0} at {1} end to end")
    @CsvSource({"a,png,96", "a,png,384", "b,png,96", "b,png,384", "c,jpg,96", "c,jpg,384"})
    void endToEnd(String name, String ext, int size) throws IOException {
        float[] got = new AlbefTransform(size).apply(TestData.file("coarse/images/" + name + "." + ext));
        double[] r = compare(got, npz.get(name + "__size" + size).toFloatArray());
        System.out.printf("albef %s.%s size %d end to end: max |diff| %.3g, mean %.3g, identical %.4f%%%n",
                name, ext, size, r[0], r[1], 100 * r[2]);
        if (ext.equals("png")) {
            assertTrue(r[0] <= ONE_STEP, "max diff " + r[0]);
            assertTrue(r[2] >= 0.99, "identical fraction " + r[2]);
        } else {
            assertTrue(r[1] <= 0.01, "mean diff " + r[1]);
        }
    }

    @Test
    void ndArraysAndBatch() {
        AlbefTransform t = new AlbefTransform(96);
        RgbImage a = decoded("a");
        RgbImage b = decoded("b");
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray one = t.toNDArray(a, m);
            assertEquals(new Shape(1, 3, 96, 96), one.getShape());
            assertEquals(DataType.FLOAT32, one.getDataType());
            NDArray batch = t.batch(List.of(a, b), m);
            assertEquals(new Shape(2, 3, 96, 96), batch.getShape());
            assertArrayEquals(t.apply(b), batch.get(1).toFloatArray());
            assertThrows(IllegalArgumentException.class, () -> t.batch(List.of(), m));
        }
        assertThrows(IllegalArgumentException.class, () -> new AlbefTransform(0));
    }
}
