package dev.fiber.core.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Spatial resizing of {@code (N, C, H, W)} tensors to an explicit output size, reproducing PyTorch's
 * {@code F.interpolate} index arithmetic.
 *
 * <ul>
 *   <li>{@link #nearest}: {@code mode="nearest"} with {@code size=} (FPN top-down path): source index
 *       {@code min(floor(dst * (float) in / out), in - 1)} with the scale computed in float32 as PyTorch
 *       does when no scale factor is given.
 *   <li>{@link #bilinearAlignCorners}: {@code mode="bilinear", align_corners=True}
 *       ({@code F.upsample_bilinear}, used by VLDyHead's DyConv to bring the coarser level up): source
 *       coordinate {@code dst * (in - 1) / (out - 1)}.
 * </ul>
 * Nearest is libtorch's own {@code upsample_nearest2d}. Bilinear with aligned corners is separable and
 * computed as {@code R_h · X · R_wᵀ} with small interpolation matrices, two 2-d matrix products (DJL 0.35's
 * {@code interpolation} ignores {@code align_corners}).
 */
public final class Interpolation {

    private Interpolation() {}

    /**
     * Nearest-neighbour resize to {@code (outH, outW)}.
     *
     * @param x input {@code (N, C, H, W)}
     * @param outH output height (> 0)
     * @param outW output width (> 0)
     * @return resized tensor {@code (N, C, outH, outW)}
     */
    public static NDArray nearest(NDArray x, int outH, int outW) {
        check(x, outH, outW);
        // libtorch's own upsample_nearest2d (F.interpolate(mode="nearest", size=...)), the official op
        return x.getNDArrayInternal().interpolation(new long[] {outH, outW}, 0, false);
    }

    /**
     * Bilinear resize with {@code align_corners=True} to {@code (outH, outW)}.
     *
     * @param x input {@code (N, C, H, W)}
     * @param outH output height (> 0)
     * @param outW output width (> 0)
     * @return resized tensor {@code (N, C, outH, outW)}
     */
    public static NDArray bilinearAlignCorners(NDArray x, int outH, int outW) {
        Shape s = check(x, outH, outW);
        NDManager m = x.getManager();
        // (DJL 0.35's interpolation() ignores align_corners, so libtorch's upsample cannot be used here)
        try (NDArray rh = m.create(bilinearMatrix((int) s.get(2), outH), new Shape(outH, s.get(2)));
                NDArray rw = m.create(bilinearMatrix((int) s.get(3), outW), new Shape(outW, s.get(3)))) {
            return separable(x, rh, rw);
        }
    }

    /**
     * Row-major {@code (out, in)} matrix of bilinear weights with aligned corners.
     *
     * @param in input length
     * @param out output length
     * @return the matrix entries
     */
    static float[] bilinearMatrix(int in, int out) {
        float scale = out > 1 ? (float) (in - 1) / (float) (out - 1) : 0f;
        float[] r = new float[out * in];
        for (int o = 0; o < out; o++) {
            float src = scale * o;
            int i0 = Math.min((int) src, in - 1);
            int i1 = i0 + (i0 < in - 1 ? 1 : 0);
            float l1 = Math.min(Math.max(src - i0, 0f), 1f);
            float l0 = 1f - l1;
            r[o * in + i0] += l0;
            r[o * in + i1] += l1;
        }
        return r;
    }

    private static NDArray separable(NDArray x, NDArray rh, NDArray rw) {
        // Both passes as single 2-d products (rows = all channels' lines), not one small product per channel:
        // (N, C, W, H) x (H, outH) -> (N, C, W, outH), transposed back, then x (W, outW) -> (N, C, outH, outW)
        try (NDArray rhT = rh.transpose();
                NDArray rwT = rw.transpose();
                NDArray xT = x.transpose(0, 1, 3, 2);
                NDArray alongH = xT.matMul(rhT);
                NDArray alongHT = alongH.transpose(0, 1, 3, 2)) {
            return alongHT.matMul(rwT);
        }
    }

    private static Shape check(NDArray x, int outH, int outW) {
        Shape s = x.getShape();
        if (s.dimension() != 4) {
            throw new IllegalArgumentException("interpolation expects (N, C, H, W), got " + s);
        }
        if (outH <= 0 || outW <= 0 || s.get(2) <= 0 || s.get(3) <= 0) {
            throw new IllegalArgumentException(
                    "interpolation sizes must be positive: input " + s + ", output " + outH + "x" + outW);
        }
        return s;
    }
}
