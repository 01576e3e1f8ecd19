package dev.fiber.tasks.data.augment;

import dev.fiber.core.image.RgbImage;
import java.util.Objects;

/**
 * The pixel operations of FIBER's training augmentation on 8-bit RGB images: the geometric steps of
 * torchvision's {@code RandomResizedCrop} / {@code RandomHorizontalFlip} (crop, flip) and the ops of
 * ALBEF's numpy/OpenCV {@code RandomAugment} ({@code fiber/transforms/randaug.py}) that
 * {@code albef_transform_randaug} enables. Each function reproduces the official numeric behaviour
 * (lookup tables, float32 arithmetic, truncating {@code astype(np.uint8)}); where that behaviour is a
 * numpy overflow, {@link AugmentFidelity} selects it or the intended Pillow result.
 *
 * <p>All functions are pure: they return a new image and never modify their input.
 */
public final class ImageOps {

    /** The fill colour of the geometric RandAugment ops ({@code replace_value} in randaug.py). */
    public static final int[] GRAY_FILL = {128, 128, 128};

    private ImageOps() {}

    /**
     * {@code identity_func}.
     *
     * @param image the image
     * @return the same image (images are immutable)
     */
    public static RgbImage identity(RgbImage image) {
        return Objects.requireNonNull(image, "image");
    }

    /**
     * Mirrors the image left-right (torchvision {@code hflip}, Pillow {@code FLIP_LEFT_RIGHT}).
     *
     * @param image the image
     * @return the mirrored image
     */
    public static RgbImage horizontalFlip(RgbImage image) {
        int w = image.width();
        int h = image.height();
        byte[] src = image.toByteArray();
        byte[] dst = new byte[src.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int s = (y * w + x) * 3;
                int d = (y * w + (w - 1 - x)) * 3;
                dst[d] = src[s];
                dst[d + 1] = src[s + 1];
                dst[d + 2] = src[s + 2];
            }
        }
        return RgbImage.of(w, h, dst);
    }

    /**
     * Cuts out a rectangle (Pillow {@code crop((left, top, left + width, top + height))} for a box
     * inside the image).
     *
     * @param image  the image
     * @param left   first column
     * @param top    first row
     * @param width  columns, &gt; 0
     * @param height rows, &gt; 0
     * @return the sub-image
     */
    public static RgbImage crop(RgbImage image, int left, int top, int width, int height) {
        if (width <= 0 || height <= 0 || left < 0 || top < 0
                || left + width > image.width() || top + height > image.height()) {
            throw new IllegalArgumentException("crop box (left " + left + ", top " + top + ", " + width
                    + " x " + height + ") is not inside the " + image.width() + " x " + image.height() + " image");
        }
        int w = image.width();
        byte[] src = image.toByteArray();
        byte[] dst = new byte[width * height * 3];
        for (int y = 0; y < height; y++) {
            System.arraycopy(src, ((top + y) * w + left) * 3, dst, y * width * 3, width * 3);
        }
        return RgbImage.of(width, height, dst);
    }

    /**
     * {@code autocontrast_func(img, cutoff=0)}: per channel, maps [min, max] linearly onto [0, 255]
     * (table {@code i * scale + offset}, clipped, truncated); a constant channel is unchanged.
     *
     * @param image    the image
     * @param fidelity {@link AugmentFidelity#OFFICIAL} reproduces the numpy {@code uint8} negation of
     *     the minimum (channels whose minimum is above 0 turn white); {@link AugmentFidelity#CORRECTED}
     *     is Pillow's {@code ImageOps.autocontrast}
     * @return the adjusted image
     */
    public static RgbImage autoContrast(RgbImage image, AugmentFidelity fidelity) {
        Objects.requireNonNull(fidelity, "fidelity");
        byte[] px = image.toByteArray();
        for (int c = 0; c < 3; c++) {
            int low = 255;
            int high = 0;
            for (int i = c; i < px.length; i += 3) {
                int v = px[i] & 0xFF;
                low = Math.min(low, v);
                high = Math.max(high, v);
            }
            if (high <= low) {
                continue;
            }
            double scale = 255.0 / (high - low);
            double negLow = fidelity == AugmentFidelity.OFFICIAL ? (-low) & 0xFF : -low;
            double offset = negLow * scale;
            int[] table = new int[256];
            for (int i = 0; i < 256; i++) {
                double t = i * scale + offset;
                table[i] = (int) Math.max(0, Math.min(255, t));
            }
            applyTable(px, c, table);
        }
        return RgbImage.of(image.width(), image.height(), px);
    }

    /**
     * {@code equalize_func} (Pillow's {@code ImageOps.equalize}): per channel, with histogram
     * {@code h}, {@code step = floor((pixels - h[last non-empty level]) / 255)}; if {@code step} is 0
     * the channel is unchanged, otherwise level {@code i} maps to
     * {@code min(255, floor((floor(step / 2) + sum(h[0..i-1])) / step))}. Computed in exact integer
     * arithmetic (the official float32 sums are exact below 2^24 pixels).
     *
     * @param image the image
     * @return the equalised image
     */
    public static RgbImage equalize(RgbImage image) {
        byte[] px = image.toByteArray();
        for (int c = 0; c < 3; c++) {
            long[] hist = new long[256];
            for (int i = c; i < px.length; i += 3) {
                hist[px[i] & 0xFF]++;
            }
            int last = 255;
            while (hist[last] == 0) {
                last--;
            }
            long total = 0;
            for (long v : hist) {
                total += v;
            }
            long step = (total - hist[last]) / 255;
            if (step == 0) {
                continue;
            }
            int[] table = new int[256];
            long n = step / 2;
            for (int i = 0; i < 256; i++) {
                table[i] = (int) Math.min(255, n / step);
                n += hist[i];
            }
            applyTable(px, c, table);
        }
        return RgbImage.of(image.width(), image.height(), px);
    }

    /**
     * {@code brightness_func}: level {@code i} becomes {@code trunc(clip(float32(i) * float32(factor),
     * 0, 255))}.
     *
     * @param image  the image
     * @param factor brightness factor (1 = unchanged)
     * @return the adjusted image
     */
    public static RgbImage brightness(RgbImage image, double factor) {
        float f = (float) factor;
        int[] table = new int[256];
        for (int i = 0; i < 256; i++) {
            float v = (float) i * f;
            table[i] = (int) Math.max(0f, Math.min(255f, v));
        }
        byte[] px = image.toByteArray();
        for (int c = 0; c < 3; c++) {
            applyTable(px, c, table);
        }
        return RgbImage.of(image.width(), image.height(), px);
    }

    /**
     * {@code sharpness_func}: the degenerate image is the 3x3 smoothing filter
     * {@code [[1,1,1],[1,5,1],[1,1,1]] / 13} ({@code cv2.filter2D}, rounded to 8 bits); for factor 0
     * the result is the degenerate image (border rows/columns filtered with OpenCV's default
     * reflect-101 border), for factor 1 the input; otherwise interior pixels become
     * {@code d + factor * (v - d)} in float32 and the one-pixel border keeps its input values.
     *
     * @param image    the image
     * @param factor   sharpness factor
     * @param fidelity {@link AugmentFidelity#OFFICIAL}: the float32 result is converted like numpy's
     *     {@code astype(np.uint8)} on x86-64 (truncate, keep the low 8 bits, so overshoots wrap);
     *     {@link AugmentFidelity#CORRECTED}: clamped to 0..255 first
     * @return the sharpened (or blurred) image
     */
    public static RgbImage sharpness(RgbImage image, double factor, AugmentFidelity fidelity) {
        Objects.requireNonNull(fidelity, "fidelity");
        float f = (float) factor;
        if (factor == 1.0) {
            return image;
        }
        int w = image.width();
        int h = image.height();
        byte[] src = image.toByteArray();
        if (factor == 0.0) {
            byte[] out = new byte[src.length];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int c = 0; c < 3; c++) {
                        out[(y * w + x) * 3 + c] = (byte) smooth(src, w, h, x, y, c);
                    }
                }
            }
            return RgbImage.of(w, h, out);
        }
        byte[] out = src.clone();
        int stride = w * 3;
        for (int y = 1; y < h - 1; y++) {
            for (int x = 1; x < w - 1; x++) {
                for (int c = 0; c < 3; c++) {
                    int i = (y * w + x) * 3 + c;
                    int sum = (src[i - stride - 3] & 0xFF) + (src[i - stride] & 0xFF) + (src[i - stride + 3] & 0xFF)
                            + (src[i - 3] & 0xFF) + 5 * (src[i] & 0xFF) + (src[i + 3] & 0xFF)
                            + (src[i + stride - 3] & 0xFF) + (src[i + stride] & 0xFF) + (src[i + stride + 3] & 0xFF);
                    float d = (2 * sum + 13) / 26;
                    float v = src[i] & 0xFF;
                    float r = d + f * (v - d);
                    out[i] = (byte) toUint8(r, fidelity);
                }
            }
        }
        return RgbImage.of(w, h, out);
    }

    /**
     * {@code shear_x_func}: {@code cv2.warpAffine} with the float32 matrix {@code [[1, factor, 0],
     * [0, 1, 0]]}, bilinear, constant fill.
     *
     * @param image  the image
     * @param factor shear factor
     * @param fill   RGB fill for uncovered pixels
     * @return the sheared image
     */
    public static RgbImage shearX(RgbImage image, double factor, int[] fill) {
        return CvWarpAffine.warp(image, CvWarpAffine.fromFloat32(1, factor, 0, 0, 1, 0), fill);
    }

    /**
     * {@code shear_y_func}: matrix {@code [[1, 0, 0], [factor, 1, 0]]}.
     *
     * @param image  the image
     * @param factor shear factor
     * @param fill   RGB fill for uncovered pixels
     * @return the sheared image
     */
    public static RgbImage shearY(RgbImage image, double factor, int[] fill) {
        return CvWarpAffine.warp(image, CvWarpAffine.fromFloat32(1, 0, 0, factor, 1, 0), fill);
    }

    /**
     * {@code translate_x_func}: matrix {@code [[1, 0, -offset], [0, 1, 0]]}, so the content moves
     * {@code offset} pixels to the left.
     *
     * @param image  the image
     * @param offset pixels
     * @param fill   RGB fill for uncovered pixels
     * @return the shifted image
     */
    public static RgbImage translateX(RgbImage image, double offset, int[] fill) {
        return CvWarpAffine.warp(image, CvWarpAffine.fromFloat32(1, 0, -offset, 0, 1, 0), fill);
    }

    /**
     * {@code translate_y_func}: matrix {@code [[1, 0, 0], [0, 1, -offset]]}, so the content moves
     * {@code offset} pixels up.
     *
     * @param image  the image
     * @param offset pixels
     * @param fill   RGB fill for uncovered pixels
     * @return the shifted image
     */
    public static RgbImage translateY(RgbImage image, double offset, int[] fill) {
        return CvWarpAffine.warp(image, CvWarpAffine.fromFloat32(1, 0, 0, 0, 1, -offset), fill);
    }

    /**
     * {@code rotate_func}: {@code cv2.getRotationMatrix2D((W / 2, H / 2), degrees, 1)} (double
     * precision), bilinear, constant fill; positive angles turn the content counter-clockwise.
     *
     * @param image   the image
     * @param degrees angle
     * @param fill    RGB fill for uncovered pixels
     * @return the rotated image
     */
    public static RgbImage rotate(RgbImage image, double degrees, int[] fill) {
        double[] m = CvWarpAffine.rotationMatrix(image.width() / 2.0, image.height() / 2.0, degrees, 1.0);
        return CvWarpAffine.warp(image, m, fill);
    }

    /**
     * numpy's {@code float32 -> uint8} conversion: truncation towards zero, then (official) the low
     * 8 bits as x86-64 gives them, or (corrected) clamping.
     */
    static int toUint8(float r, AugmentFidelity fidelity) {
        if (fidelity == AugmentFidelity.OFFICIAL) {
            return ((int) r) & 0xFF;
        }
        return (int) Math.max(0f, Math.min(255f, r));
    }

    /**
     * The 8-bit smoothing filter at one pixel: {@code round((sum of the 8 neighbours + 5 * centre) /
     * 13)} with reflect-101 borders. The exact quotient is never halfway between two integers (13 is
     * odd), so OpenCV's float accumulation rounds to the same value.
     */
    private static int smooth(byte[] src, int w, int h, int x, int y, int c) {
        int s = 0;
        for (int dy = -1; dy <= 1; dy++) {
            int yy = reflect101(y + dy, h);
            for (int dx = -1; dx <= 1; dx++) {
                int xx = reflect101(x + dx, w);
                int v = src[(yy * w + xx) * 3 + c] & 0xFF;
                s += (dx == 0 && dy == 0) ? 5 * v : v;
            }
        }
        return (2 * s + 13) / 26;
    }

    /** OpenCV {@code BORDER_REFLECT_101} index ({@code gfedcb|abcdefgh|gfedcba}). */
    private static int reflect101(int p, int n) {
        if (n == 1) {
            return 0;
        }
        while (p < 0 || p >= n) {
            p = p < 0 ? -p : 2 * n - 2 - p;
        }
        return p;
    }

    private static void applyTable(byte[] px, int channel, int[] table) {
        for (int i = channel; i < px.length; i += 3) {
            px[i] = (byte) table[px[i] & 0xFF];
        }
    }
}
