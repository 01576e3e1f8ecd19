package dev.fiber.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Properties of the Pillow resampler that the reference data does not isolate (the byte-exact parity
 * itself is in {@link AlbefTransformTest} and {@link FineTransformTest}).
 */
class PilResampleTest {

    @Test
    void filterShapes() {
        assertEquals(1.0, PilResample.Filter.BICUBIC.weight(0));
        assertEquals(0.0, PilResample.Filter.BICUBIC.weight(1), 0.0);
        assertEquals(0.5625, PilResample.Filter.BICUBIC.weight(0.5));
        assertEquals(-0.0625, PilResample.Filter.BICUBIC.weight(-1.5));
        assertEquals(0.0, PilResample.Filter.BICUBIC.weight(2));
        assertEquals(0.75, PilResample.Filter.BILINEAR.weight(-0.25));
        assertEquals(1.0, PilResample.Filter.BOX.weight(0.5));
        assertEquals(0.0, PilResample.Filter.BOX.weight(-0.5));
        assertEquals(1.0, PilResample.Filter.LANCZOS.weight(0));
        assertEquals(1.0, PilResample.Filter.HAMMING.weight(0));
    }

    @Test
    void sameSizeIsACopyAndConstantsStayConstant() {
        byte[] px = new byte[7 * 5 * 3];
        new Random(1).nextBytes(px);
        RgbImage img = RgbImage.of(7, 5, px);
        RgbImage same = PilResample.resize(img, 7, 5, PilResample.Filter.BICUBIC);
        assertNotSame(img, same);
        assertArrayEquals(px, same.toByteArray());
        byte[] flat = new byte[9 * 4 * 3];
        java.util.Arrays.fill(flat, (byte) 200);
        for (PilResample.Filter f : PilResample.Filter.values()) {
            for (int[] s : new int[][] {{3, 2}, {20, 11}, {9, 13}, {1, 1}}) {
                byte[] out = PilResample.resize(flat, 9, 4, 3, s[0], s[1], f);
                for (byte b : out) {
                    assertEquals(200, b & 0xFF, f + " to " + s[0] + "x" + s[1]);
                }
            }
        }
    }

    @Test
    void separablePassesAreIndependentPerAxis() {
        // Changing only the width runs only the horizontal pass: every row is resized on its own.
        byte[] px = new byte[6 * 3 * 3];
        new Random(2).nextBytes(px);
        byte[] both = PilResample.resize(px, 6, 3, 3, 4, 3, PilResample.Filter.BICUBIC);
        for (int y = 0; y < 3; y++) {
            byte[] row = java.util.Arrays.copyOfRange(px, y * 18, y * 18 + 18);
            byte[] r = PilResample.resize(row, 6, 1, 3, 4, 1, PilResample.Filter.BICUBIC);
            assertArrayEquals(r, java.util.Arrays.copyOfRange(both, y * 12, y * 12 + 12), "row " + y);
        }
        // a 2-pixel image upscaled with bilinear: centred taps, clipped at the border
        byte[] two = {0, 0, 0, (byte) 100, (byte) 100, (byte) 100};
        byte[] up = PilResample.resize(two, 2, 1, 3, 4, 1, PilResample.Filter.BILINEAR);
        assertArrayEquals(new byte[] {0, 0, 0, 25, 25, 25, 75, 75, 75, 100, 100, 100}, up);
    }

    @Test
    void rejectsBadSizes() {
        RgbImage img = RgbImage.of(1, 1, new byte[3]);
        assertThrows(IllegalArgumentException.class, () -> PilResample.resize(img, 0, 1, PilResample.Filter.BICUBIC));
        assertThrows(IllegalArgumentException.class,
                () -> PilResample.resize(new byte[5], 1, 1, 3, 2, 2, PilResample.Filter.BILINEAR));
    }
}
