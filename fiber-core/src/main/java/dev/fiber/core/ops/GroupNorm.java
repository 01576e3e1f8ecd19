package dev.fiber.core.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Group normalisation ({@code torch.nn.GroupNorm}) composed of DJL operations.
 *
 * <p>The channels of an {@code (N, C, *)} tensor are split into {@code groups} contiguous groups; each
 * (sample, group) is normalised by its own mean and biased variance, then a per-channel affine is
 * applied. FIBER's VLDyHead uses it after every deformable convolution ({@code Conv3x3Norm.bn},
 * 16 groups, eps 1e-5).
 */
public final class GroupNorm {

    private GroupNorm() {}

    /**
     * Applies group normalisation.
     *
     * @param x input of shape {@code (N, C, ...)} (float32)
     * @param groups number of groups; must divide {@code C}
     * @param gamma per-channel scale {@code (C)}, or {@code null} for none
     * @param beta per-channel shift {@code (C)}, or {@code null} for none
     * @param eps added to the variance
     * @return the normalised tensor, same shape as {@code x}
     * @throws IllegalArgumentException if the shapes do not fit
     */
    public static NDArray apply(NDArray x, int groups, NDArray gamma, NDArray beta, double eps) {
        Shape shape = x.getShape();
        if (shape.dimension() < 2) {
            throw new IllegalArgumentException("group norm needs (N, C, ...), got " + shape);
        }
        long n = shape.get(0);
        long c = shape.get(1);
        if (groups <= 0 || c % groups != 0) {
            throw new IllegalArgumentException(
                    "group norm: " + groups + " groups do not divide " + c + " channels");
        }
        checkAffine(gamma, c, "gamma");
        checkAffine(beta, c, "beta");
        NDArray grouped = x.reshape(n, groups, -1);
        NDArray mean = grouped.mean(new int[] {2}, true);
        NDArray centred = grouped.sub(mean);
        NDArray var = centred.square().mean(new int[] {2}, true);
        NDArray normed = centred.div(var.add(eps).sqrt()).reshape(shape);
        Shape affine = affineShape(shape);
        NDArray out = normed;
        if (gamma != null) {
            out = out.mul(gamma.reshape(affine));
        }
        if (beta != null) {
            out = out.add(beta.reshape(affine));
        }
        return out;
    }

    private static void checkAffine(NDArray a, long c, String what) {
        if (a != null && a.size() != c) {
            throw new IllegalArgumentException(
                    "group norm " + what + " has " + a.size() + " elements, expected " + c);
        }
    }

    private static Shape affineShape(Shape shape) {
        long[] dims = new long[shape.dimension()];
        java.util.Arrays.fill(dims, 1);
        dims[1] = shape.get(1);
        return new Shape(dims);
    }
}
