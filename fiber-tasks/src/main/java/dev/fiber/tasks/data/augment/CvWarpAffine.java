package dev.fiber.tasks.data.augment;

import dev.fiber.core.image.RgbImage;
import java.util.Objects;

/**
 * OpenCV's {@code cv2.warpAffine(img, M, (W, H), flags=INTER_LINEAR, borderMode=BORDER_CONSTANT,
 * borderValue=fill)} for 8-bit RGB images, as used by the geometric ops of the official
 * {@code randaug.py} (ShearX/Y, TranslateX/Y, Rotate).
 *
 * <p>This reproduces the fixed-point algorithm of OpenCV up to 4.10 ({@code WarpAffineInvoker} +
 * {@code remapBilinear}), the versions FIBER and ALBEF were trained with:
 * <ol>
 *   <li>{@code M} maps source to destination and is inverted in double precision (no
 *       {@code WARP_INVERSE_MAP} flag);</li>
 *   <li>source coordinates are computed in 1/1024 pixel units, {@code rint(M0*x*1024)} per column
 *       plus {@code rint((M1*y + M2)*1024) + 16} per row, then reduced to 1/32 pixel (5 fractional
 *       bits): integer part = top-left neighbour, fraction = index into the bilinear table;</li>
 *   <li>the 2x2 neighbours are weighted by {@code (32-fx)(32-fy)*32}, {@code fx(32-fy)*32},
 *       {@code (32-fx)fy*32}, {@code fx*fy*32} (sum 32768), neighbours outside the image take the fill
 *       value, and the result is {@code (sum + 16384) >> 15}.</li>
 * </ol>
 * OpenCV 4.11 replaced this path by a floating-point one whose results can differ by one level.
 */
public final class CvWarpAffine {

    private static final int AB_BITS = 10;
    private static final int AB_SCALE = 1 << AB_BITS;
    private static final int INTER_BITS = 5;
    private static final int INTER_TAB_SIZE = 1 << INTER_BITS;
    private static final int ROUND_DELTA = AB_SCALE / INTER_TAB_SIZE / 2;
    private static final int COEF_BITS = 15;

    private CvWarpAffine() {}

    /**
     * Warps an image with a forward (source to destination) affine matrix; the output has the input's
     * size.
     *
     * @param image  the image
     * @param matrix {@code {m00, m01, m02, m10, m11, m12}}: destination {@code (x', y') = (m00 x + m01 y
     *     + m02, m10 x + m11 y + m12)}; use {@link #fromFloat32(double...)} for a matrix numpy built
     *     as float32
     * @param fill   RGB value for pixels mapped from outside the image (each 0..255)
     * @return the warped image
     */
    public static RgbImage warp(RgbImage image, double[] matrix, int[] fill) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(matrix, "matrix");
        Objects.requireNonNull(fill, "fill");
        if (matrix.length != 6) {
            throw new IllegalArgumentException("affine matrix needs 6 values, got " + matrix.length);
        }
        if (fill.length != 3) {
            throw new IllegalArgumentException("fill needs 3 values (R, G, B), got " + fill.length);
        }
        for (int f : fill) {
            if (f < 0 || f > 255) {
                throw new IllegalArgumentException("fill values must be 0..255, got " + f);
            }
        }
        double[] m = invert(matrix);
        int w = image.width();
        int h = image.height();
        byte[] src = image.toByteArray();
        byte[] dst = new byte[src.length];
        int[] adelta = new int[w];
        int[] bdelta = new int[w];
        for (int x = 0; x < w; x++) {
            adelta[x] = cvRound(m[0] * x * AB_SCALE);
            bdelta[x] = cvRound(m[3] * x * AB_SCALE);
        }
        for (int y = 0; y < h; y++) {
            int x0 = cvRound((m[1] * y + m[2]) * AB_SCALE) + ROUND_DELTA;
            int y0 = cvRound((m[4] * y + m[5]) * AB_SCALE) + ROUND_DELTA;
            for (int x = 0; x < w; x++) {
                int sxFix = (x0 + adelta[x]) >> (AB_BITS - INTER_BITS);
                int syFix = (y0 + bdelta[x]) >> (AB_BITS - INTER_BITS);
                int sx = saturateShort(sxFix >> INTER_BITS);
                int sy = saturateShort(syFix >> INTER_BITS);
                int fx = sxFix & (INTER_TAB_SIZE - 1);
                int fy = syFix & (INTER_TAB_SIZE - 1);
                int w00 = (INTER_TAB_SIZE - fx) * (INTER_TAB_SIZE - fy) * INTER_TAB_SIZE;
                int w01 = fx * (INTER_TAB_SIZE - fy) * INTER_TAB_SIZE;
                int w10 = (INTER_TAB_SIZE - fx) * fy * INTER_TAB_SIZE;
                int w11 = fx * fy * INTER_TAB_SIZE;
                boolean in00 = inside(sx, sy, w, h);
                boolean in01 = inside(sx + 1, sy, w, h);
                boolean in10 = inside(sx, sy + 1, w, h);
                boolean in11 = inside(sx + 1, sy + 1, w, h);
                int o = (y * w + x) * 3;
                for (int c = 0; c < 3; c++) {
                    int v00 = in00 ? src[(sy * w + sx) * 3 + c] & 0xFF : fill[c];
                    int v01 = in01 ? src[(sy * w + sx + 1) * 3 + c] & 0xFF : fill[c];
                    int v10 = in10 ? src[((sy + 1) * w + sx) * 3 + c] & 0xFF : fill[c];
                    int v11 = in11 ? src[((sy + 1) * w + sx + 1) * 3 + c] & 0xFF : fill[c];
                    int sum = v00 * w00 + v01 * w01 + v10 * w10 + v11 * w11;
                    dst[o + c] = (byte) ((sum + (1 << (COEF_BITS - 1))) >> COEF_BITS);
                }
            }
        }
        return RgbImage.of(w, h, dst);
    }

    /**
     * Rounds float32 values to float32 and widens them back, as happens to a matrix built with
     * {@code np.float32([...])} and handed to OpenCV (which converts it to double).
     *
     * @param values the six coefficients as written in Python
     * @return the coefficients as OpenCV sees them
     */
    public static double[] fromFloat32(double... values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    /**
     * {@code cv2.getRotationMatrix2D(center, angle, scale)}: rotation by {@code angle} degrees
     * counter-clockwise (as displayed, y pointing down) about {@code (cx, cy)}.
     *
     * @param cx       centre x
     * @param cy       centre y
     * @param degrees  angle in degrees
     * @param scale    isotropic scale
     * @return the forward matrix {@code {a, b, (1-a)cx - b cy, -b, a, b cx + (1-a) cy}}
     */
    public static double[] rotationMatrix(double cx, double cy, double degrees, double scale) {
        double angle = degrees * Math.PI / 180;
        double alpha = Math.cos(angle) * scale;
        double beta = Math.sin(angle) * scale;
        return new double[] {
            alpha, beta, (1 - alpha) * cx - beta * cy,
            -beta, alpha, beta * cx + (1 - alpha) * cy
        };
    }

    /** OpenCV's inversion of a forward affine matrix (determinant 0 gives the zero matrix). */
    private static double[] invert(double[] matrix) {
        double[] m = matrix.clone();
        double d = m[0] * m[4] - m[1] * m[3];
        d = d != 0 ? 1.0 / d : 0;
        double a11 = m[4] * d;
        double a22 = m[0] * d;
        m[0] = a11;
        m[1] *= -d;
        m[3] *= -d;
        m[4] = a22;
        double b1 = -m[0] * m[2] - m[1] * m[5];
        double b2 = -m[3] * m[2] - m[4] * m[5];
        m[2] = b1;
        m[5] = b2;
        return m;
    }

    /** {@code cvRound}: round half to even, saturated to the int range. */
    private static int cvRound(double v) {
        return (int) Math.rint(v);
    }

    private static int saturateShort(int v) {
        return Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
    }

    private static boolean inside(int x, int y, int w, int h) {
        return x >= 0 && x < w && y >= 0 && y < h;
    }
}
