package dev.fiber.tasks.data.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fiber.core.image.RgbImage;
import org.junit.jupiter.api.Test;

/** Hand-checked behaviour of each augmentation op on tiny images. */
class ImageOpsTest {

    /** A w x h image whose channel c at (x, y) is {@code f(x, y, c)}. */
    interface PixelFn {
        int at(int x, int y, int c);
    }

    static RgbImage img(int w, int h, PixelFn f) {
        byte[] b = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    b[(y * w + x) * 3 + c] = (byte) f.at(x, y, c);
                }
            }
        }
        return RgbImage.of(w, h, b);
    }

    static RgbImage gray(int w, int h, int... values) {
        return img(w, h, (x, y, c) -> values[y * w + x]);
    }

    static int[] channel(RgbImage im, int c) {
        int[] out = new int[im.width() * im.height()];
        for (int y = 0; y < im.height(); y++) {
            for (int x = 0; x < im.width(); x++) {
                out[y * im.width() + x] = im.get(x, y, c);
            }
        }
        return out;
    }

    @Test
    void identityAndFlip() {
        RgbImage a = img(3, 2, (x, y, c) -> 10 * x + 100 * y + c);
        assertSame(a, ImageOps.identity(a));
        RgbImage f = ImageOps.horizontalFlip(a);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(a.get(2 - x, y, c), f.get(x, y, c));
                }
            }
        }
        assertArrayEquals(a.toByteArray(), ImageOps.horizontalFlip(f).toByteArray());
    }

    @Test
    void crop() {
        RgbImage a = img(5, 4, (x, y, c) -> 10 * x + 50 * y + c);
        RgbImage c = ImageOps.crop(a, 1, 2, 3, 2);
        assertEquals(3, c.width());
        assertEquals(2, c.height());
        assertEquals(a.get(1, 2, 0), c.get(0, 0, 0));
        assertEquals(a.get(3, 3, 2), c.get(2, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> ImageOps.crop(a, 3, 0, 3, 1));
    }

    @Test
    void autoContrastCorrectedStretchesToFullRange() {
        // levels 10..60: scale 255/50 = 5.1, offset -51: 10->0, 20->51, 35->127 (127.5 truncated), 60->255
        RgbImage a = gray(4, 1, 10, 20, 35, 60);
        RgbImage out = ImageOps.autoContrast(a, AugmentFidelity.CORRECTED);
        assertArrayEquals(new int[] {0, 51, 127, 255}, channel(out, 0));
    }

    @Test
    void autoContrastOfficialWhitensChannelsWithPositiveMinimum() {
        RgbImage a = gray(4, 1, 10, 20, 35, 60);
        // numpy: -np.uint8(10) == 246, offset = 246 * 5.1 > 255 -> every level maps to 255
        assertArrayEquals(new int[] {255, 255, 255, 255}, channel(ImageOps.autoContrast(a, AugmentFidelity.OFFICIAL), 1));
        // a channel reaching 0 is stretched normally in both modes: 0..50 with scale 255/50 (5.1 in
        // double is slightly low, so 50 * scale = 254.99999999999997 truncates to 254, as in numpy)
        RgbImage b = gray(3, 1, 0, 25, 50);
        assertArrayEquals(new int[] {0, 127, 254}, channel(ImageOps.autoContrast(b, AugmentFidelity.OFFICIAL), 2));
        assertArrayEquals(new int[] {0, 127, 254}, channel(ImageOps.autoContrast(b, AugmentFidelity.CORRECTED), 2));
        // constant channel: unchanged
        RgbImage k = gray(2, 1, 77, 77);
        assertArrayEquals(new int[] {77, 77}, channel(ImageOps.autoContrast(k, AugmentFidelity.OFFICIAL), 0));
    }

    @Test
    void equalizeOnKnownHistogram() {
        // 1020 pixels: 510 at level 0, 255 at 100, 255 at 200. last non-empty level 200 is left out:
        // step = (1020 - 255) / 255 = 3; lut[i] = (1 + count below i) / 3:
        // 0 -> 1/3 = 0, 100 -> (1 + 510)/3 = 170, 200 -> (1 + 765)/3 = 255
        int[] v = new int[1020];
        for (int i = 0; i < v.length; i++) {
            v[i] = i < 510 ? 0 : i < 765 ? 100 : 200;
        }
        RgbImage out = ImageOps.equalize(gray(1020, 1, v));
        int[] ch = channel(out, 0);
        assertEquals(0, ch[0]);
        assertEquals(170, ch[600]);
        assertEquals(255, ch[900]);
        // too few pixels for a step: unchanged
        RgbImage small = gray(3, 1, 5, 9, 200);
        assertArrayEquals(new int[] {5, 9, 200}, channel(ImageOps.equalize(small), 0));
    }

    @Test
    void brightnessTableTruncatesAndClips() {
        RgbImage a = gray(5, 1, 0, 1, 100, 187, 255);
        // float32: 1.36 * {0, 1, 100, 187, 255} = {0, 1.36, 136.0, 254.32, 346.8 -> 255}
        assertArrayEquals(new int[] {0, 1, 136, 254, 255}, channel(ImageOps.brightness(a, 1.36), 0));
        // factor 0.1: {0, 0.1, 10, 18.7, 25.5} -> {0, 0, 10, 18, 25}
        assertArrayEquals(new int[] {0, 0, 10, 18, 25}, channel(ImageOps.brightness(a, 0.1), 0));
    }

    @Test
    void sharpnessWrapsInOfficialModeAndClampsInCorrected() {
        // 3x3: centre 255 surrounded by 0: degenerate centre = round(5 * 255 / 13) = 98,
        // blended 98 + 1.36 * (255 - 98) = 311.52 -> official: 311 & 0xFF = 55, corrected: 255
        int[] v = {0, 0, 0, 0, 255, 0, 0, 0, 0};
        RgbImage a = gray(3, 3, v);
        assertEquals(55, ImageOps.sharpness(a, 1.36, AugmentFidelity.OFFICIAL).get(1, 1, 0));
        assertEquals(255, ImageOps.sharpness(a, 1.36, AugmentFidelity.CORRECTED).get(1, 1, 0));
        // the one-pixel border is untouched
        assertEquals(0, ImageOps.sharpness(a, 1.36, AugmentFidelity.OFFICIAL).get(0, 1, 0));
        // a negative overshoot: centre 0 among 255 -> degenerate round(8*255/13)=157, 157 - 1.36*157 = -56.52
        // official: trunc -56 -> 200, corrected: 0
        int[] w = {255, 255, 255, 255, 0, 255, 255, 255, 255};
        RgbImage b = gray(3, 3, w);
        assertEquals(200, ImageOps.sharpness(b, 1.36, AugmentFidelity.OFFICIAL).get(1, 1, 0));
        assertEquals(0, ImageOps.sharpness(b, 1.36, AugmentFidelity.CORRECTED).get(1, 1, 0));
        // factor 1 returns the input
        assertSame(a, ImageOps.sharpness(a, 1.0, AugmentFidelity.OFFICIAL));
    }

    @Test
    void integerTranslationShiftsAndFillsWithGray() {
        RgbImage a = img(6, 4, (x, y, c) -> 20 * x + 5 * y + c);
        RgbImage t = ImageOps.translateX(a, 2, ImageOps.GRAY_FILL);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 6; x++) {
                for (int c = 0; c < 3; c++) {
                    int expected = x + 2 < 6 ? a.get(x + 2, y, c) : 128;
                    assertEquals(expected, t.get(x, y, c), "(" + x + "," + y + "," + c + ")");
                }
            }
        }
        RgbImage u = ImageOps.translateY(a, -1, ImageOps.GRAY_FILL);
        for (int x = 0; x < 6; x++) {
            assertEquals(128, u.get(x, 0, 1));
            assertEquals(a.get(x, 0, 1), u.get(x, 1, 1));
            assertEquals(a.get(x, 2, 1), u.get(x, 3, 1));
        }
    }

    @Test
    void halfPixelTranslationAveragesNeighbours() {
        // offset 0.5: dst(x) samples src(x + 0.5) = (src(x) + src(x+1)) / 2, rounded half up
        RgbImage a = gray(4, 1, 0, 11, 100, 255);
        RgbImage t = ImageOps.translateX(a, 0.5, new int[] {0, 0, 0});
        // (0+11)/2 = 5.5 -> 6, (11+100)/2 = 55.5 -> 56, 177.5 -> 178, the last pixel mixes 255 with the
        // fill 0 -> 128; the row below is outside too, but its weight is 0 (y fraction 0)
        assertArrayEquals(new int[] {6, 56, 178, 128}, channel(t, 0));
    }

    @Test
    void shearMovesRowsProportionallyToY() {
        // shear_x 1.0 (float32): dst(x, y) = src(x - y, y): row y shifted right by y, gray fill on the left
        RgbImage a = img(5, 3, (x, y, c) -> 40 * x + 1);
        RgbImage s = ImageOps.shearX(a, 1.0, ImageOps.GRAY_FILL);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                int expected = x - y >= 0 ? a.get(x - y, y, 0) : 128;
                assertEquals(expected, s.get(x, y, 0), "(" + x + "," + y + ")");
            }
        }
        RgbImage sy = ImageOps.shearY(img(3, 5, (x, y, c) -> 40 * y + 1), 1.0, ImageOps.GRAY_FILL);
        assertEquals(128, sy.get(2, 0, 0)); // src(2, -2) is outside
        assertEquals(1, sy.get(2, 2, 0));   // src(2, 0)
    }

    @Test
    void rotationBy180AboutTheCentreOfAnOddImage() {
        // W = H = 3: centre (1.5, 1.5); rotation by 180 maps (x, y) -> (3 - x, 3 - y), so dst(x, y) =
        // src(3 - x, 3 - y): only dst(1..2, 1..2) come from inside; the rest meet the fill
        RgbImage a = img(3, 3, (x, y, c) -> 10 + 30 * x + 90 * y);
        RgbImage r = ImageOps.rotate(a, 180, ImageOps.GRAY_FILL);
        assertEquals(a.get(2, 2, 0), r.get(1, 1, 0));
        assertEquals(a.get(1, 1, 0), r.get(2, 2, 0));
        assertEquals(128, r.get(0, 0, 0));
    }

    @Test
    void fillValidation() {
        RgbImage a = gray(2, 2, 1, 2, 3, 4);
        assertThrows(IllegalArgumentException.class, () -> ImageOps.translateX(a, 1, new int[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> ImageOps.translateX(a, 1, new int[] {1, 2, 256}));
    }
}
