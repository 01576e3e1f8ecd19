package dev.fiber.core.image;

import java.util.Objects;

/**
 * Pillow's {@code Image.resize((w, h), filter)} for 8-bit images (libImaging {@code Resample.c}),
 * re-implemented in Java to give the same bytes. Both FIBER pipelines resize with it: coarse
 * {@code albef_transform} with BICUBIC, fine-grained {@code Resize} with BILINEAR (through
 * torchvision, which hands PIL images to Pillow).
 *
 * <p>The algorithm: a separable convolution, the horizontal pass first (when the width changes), then
 * the vertical pass (when the height changes), each producing clipped 8-bit values. For every output
 * pixel the filter is centred at {@code (i + 0.5) * scale} in input coordinates; when downscaling
 * ({@code scale > 1}) the filter is stretched by {@code scale} (antialiasing), so its support is
 * {@code filter support * max(scale, 1)}. The taps are {@code filter((j - center + 0.5) / max(scale, 1))}
 * for input pixels {@code j} in {@code [trunc(center - support + 0.5), trunc(center + support + 0.5))}
 * clipped to the image, normalised to sum 1, then converted to fixed point with 22 fractional bits
 * (rounded half away from zero). A pixel is {@code sum(v * k) + 2^21}, shifted right by 22 and clamped
 * to 0..255. Bicubic uses {@code a = -0.5} and support 2, bilinear the triangle with support 1.
 */
public final class PilResample {

    /** Pillow resampling filters (all except NEAREST, whose code path is different). */
    public enum Filter {
        /** {@code Image.BOX}: support 0.5. */
        BOX(0.5),
        /** {@code Image.BILINEAR} (triangle): support 1. */
        BILINEAR(1.0),
        /** {@code Image.HAMMING}: support 1. */
        HAMMING(1.0),
        /** {@code Image.BICUBIC} (Keys cubic, a = -0.5): support 2. */
        BICUBIC(2.0),
        /** {@code Image.LANCZOS} (3-lobed): support 3. */
        LANCZOS(3.0);

        private final double support;

        Filter(double support) {
            this.support = support;
        }

        /** @return the filter's support radius at scale 1 */
        public double support() {
            return support;
        }

        /**
         * @param x distance from the centre, in (scaled) input pixels
         * @return the filter weight
         */
        public double weight(double x) {
            switch (this) {
                case BOX:
                    return (x > -0.5 && x <= 0.5) ? 1.0 : 0.0;
                case BILINEAR: {
                    double ax = Math.abs(x);
                    return ax < 1.0 ? 1.0 - ax : 0.0;
                }
                case HAMMING: {
                    double ax = Math.abs(x);
                    if (ax == 0.0) {
                        return 1.0;
                    }
                    if (ax >= 1.0) {
                        return 0.0;
                    }
                    double px = ax * Math.PI;
                    // Pillow mixes float constants into a double expression.
                    return Math.sin(px) / px * (0.54f + 0.46f * Math.cos(px));
                }
                case BICUBIC: {
                    final double a = -0.5;
                    double ax = Math.abs(x);
                    if (ax < 1.0) {
                        return ((a + 2.0) * ax - (a + 3.0)) * ax * ax + 1;
                    }
                    if (ax < 2.0) {
                        return (((ax - 5) * ax + 8) * ax - 4) * a;
                    }
                    return 0.0;
                }
                case LANCZOS:
                    return (-3.0 <= x && x < 3.0) ? sinc(x) * sinc(x / 3) : 0.0;
                default:
                    throw new AssertionError(this);
            }
        }

        private static double sinc(double x) {
            if (x == 0.0) {
                return 1.0;
            }
            double px = x * Math.PI;
            return Math.sin(px) / px;
        }
    }

    private static final int PRECISION_BITS = 32 - 8 - 2;

    private PilResample() {}

    /**
     * Resizes an RGB image like {@code img.resize((width, height), filter)}.
     *
     * @param in     the image
     * @param width  output width, &gt; 0
     * @param height output height, &gt; 0
     * @param filter the resampling filter
     * @return the resized image (a copy when the size is unchanged)
     */
    public static RgbImage resize(RgbImage in, int width, int height, Filter filter) {
        Objects.requireNonNull(in, "in");
        byte[] out = resize(in.data(), in.width(), in.height(), 3, width, height, filter);
        return RgbImage.wrap(width, height, out);
    }

    /**
     * Resizes interleaved 8-bit pixels with any number of channels (each channel independently).
     *
     * @param pixels   {@code inHeight * inWidth * channels} bytes, row-major
     * @param inWidth  input width
     * @param inHeight input height
     * @param channels samples per pixel
     * @param width    output width
     * @param height   output height
     * @param filter   the resampling filter
     * @return {@code height * width * channels} bytes
     */
    public static byte[] resize(byte[] pixels, int inWidth, int inHeight, int channels, int width, int height,
            Filter filter) {
        Objects.requireNonNull(pixels, "pixels");
        Objects.requireNonNull(filter, "filter");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("output size must be positive, got " + width + " x " + height);
        }
        if (inWidth <= 0 || inHeight <= 0 || channels <= 0
                || (long) inWidth * inHeight * channels != pixels.length) {
            throw new IllegalArgumentException("pixel buffer of " + pixels.length + " bytes does not match "
                    + inWidth + " x " + inHeight + " x " + channels);
        }
        byte[] cur = pixels;
        int curW = inWidth;
        if (width != inWidth) {
            Coefficients hc = Coefficients.compute(inWidth, width, filter);
            cur = horizontal(cur, inWidth, inHeight, channels, hc);
            curW = width;
        }
        if (height != inHeight) {
            Coefficients vc = Coefficients.compute(inHeight, height, filter);
            cur = vertical(cur, curW, inHeight, channels, vc);
        }
        return cur == pixels ? pixels.clone() : cur;
    }

    private static byte[] horizontal(byte[] in, int inW, int h, int ch, Coefficients k) {
        int outW = k.outSize;
        byte[] out = new byte[outW * h * ch];
        int[] acc = new int[ch];
        for (int y = 0; y < h; y++) {
            int rowIn = y * inW * ch;
            int rowOut = y * outW * ch;
            for (int xx = 0; xx < outW; xx++) {
                int xmin = k.bounds[2 * xx];
                int n = k.bounds[2 * xx + 1];
                int base = xx * k.ksize;
                java.util.Arrays.fill(acc, 1 << (PRECISION_BITS - 1));
                for (int x = 0; x < n; x++) {
                    int w = k.kk[base + x];
                    int p = rowIn + (xmin + x) * ch;
                    for (int c = 0; c < ch; c++) {
                        acc[c] += (in[p + c] & 0xFF) * w;
                    }
                }
                for (int c = 0; c < ch; c++) {
                    out[rowOut + xx * ch + c] = clip8(acc[c]);
                }
            }
        }
        return out;
    }

    private static byte[] vertical(byte[] in, int w, int inH, int ch, Coefficients k) {
        int outH = k.outSize;
        int stride = w * ch;
        byte[] out = new byte[outH * stride];
        for (int yy = 0; yy < outH; yy++) {
            int ymin = k.bounds[2 * yy];
            int n = k.bounds[2 * yy + 1];
            int base = yy * k.ksize;
            int rowOut = yy * stride;
            for (int i = 0; i < stride; i++) {
                int acc = 1 << (PRECISION_BITS - 1);
                for (int y = 0; y < n; y++) {
                    acc += (in[(ymin + y) * stride + i] & 0xFF) * k.kk[base + y];
                }
                out[rowOut + i] = clip8(acc);
            }
        }
        return out;
    }

    private static byte clip8(int acc) {
        int v = acc >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }

    /** Fixed-point filter taps for one axis ({@code precompute_coeffs} + {@code normalize_coeffs_8bpc}). */
    static final class Coefficients {
        final int outSize;
        final int ksize;
        /** per output pixel: first input index, number of taps. */
        final int[] bounds;
        /** per output pixel {@code ksize} fixed-point taps. */
        final int[] kk;

        private Coefficients(int outSize, int ksize, int[] bounds, int[] kk) {
            this.outSize = outSize;
            this.ksize = ksize;
            this.bounds = bounds;
            this.kk = kk;
        }

        static Coefficients compute(int inSize, int outSize, Filter filter) {
            double scale = (double) inSize / outSize;
            double filterscale = Math.max(scale, 1.0);
            double support = filter.support() * filterscale;
            int ksize = (int) Math.ceil(support) * 2 + 1;
            int[] bounds = new int[outSize * 2];
            int[] kk = new int[outSize * ksize];
            double[] k = new double[ksize];
            double invFilterscale = 1.0 / filterscale;
            for (int xx = 0; xx < outSize; xx++) {
                double center = (xx + 0.5) * scale;
                double ww = 0.0;
                int xmin = (int) (center - support + 0.5);
                if (xmin < 0) {
                    xmin = 0;
                }
                int xmax = (int) (center + support + 0.5);
                if (xmax > inSize) {
                    xmax = inSize;
                }
                xmax -= xmin;
                for (int x = 0; x < xmax; x++) {
                    double w = filter.weight((x + xmin - center + 0.5) * invFilterscale);
                    k[x] = w;
                    ww += w;
                }
                for (int x = 0; x < xmax; x++) {
                    if (ww != 0.0) {
                        k[x] /= ww;
                    }
                    double scaled = k[x] * (1 << PRECISION_BITS);
                    kk[xx * ksize + x] = (int) (k[x] < 0 ? -0.5 + scaled : 0.5 + scaled);
                }
                bounds[2 * xx] = xmin;
                bounds[2 * xx + 1] = xmax;
            }
            return new Coefficients(outSize, ksize, bounds, kk);
        }
    }
}
