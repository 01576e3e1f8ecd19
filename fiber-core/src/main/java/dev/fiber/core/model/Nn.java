package dev.fiber.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;

/**
 * The primitive operations of the FIBER forward pass, each one libtorch call with exactly the
 * semantics of the PyTorch module the official code uses ({@code nn.Linear}, {@code nn.LayerNorm},
 * exact-erf {@code nn.GELU}, {@code nn.Embedding}, {@code nn.Dropout}, timm {@code DropPath}).
 *
 * <p>Every result is created by the activation operand, so it is owned by the activation's
 * {@link ai.djl.ndarray.NDManager} (the caller's scope), never by the model's manager.
 */
public final class Nn {

    private Nn() {}

    /**
     * {@code y = x W^T + b}.
     *
     * @param x input (..., in)
     * @param weight (out, in)
     * @param bias (out) or {@code null}
     * @return (..., out)
     */
    public static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        Shape s = x.getShape();
        if (s.dimension() <= 2) {
            return x.getNDArrayInternal().linear(x, weight, bias).singletonOrThrow();
        }
        // As PyTorch's nn.Linear does for contiguous N-d input: one addmm over the flattened
        // rows (bias added inside the GEMM), not libtorch's C++ functional matmul + add_.
        long rows = s.size() / s.get(s.dimension() - 1);
        NDArray flat = x.reshape(rows, s.get(s.dimension() - 1));
        NDArray y = flat.getNDArrayInternal().linear(flat, weight, bias).singletonOrThrow();
        return y.reshape(s.slice(0, s.dimension() - 1).add(weight.getShape().get(0)));
    }

    /**
     * LayerNorm over the last axis.
     *
     * @param x input (..., C)
     * @param gamma (C)
     * @param beta (C)
     * @param eps epsilon (applied in the tensor's precision, as PyTorch does)
     * @return normalised x
     */
    public static NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta, double eps) {
        return x.getNDArrayInternal().layerNorm(x, new Shape(gamma.getShape().get(0)), gamma, beta, (float) eps).singletonOrThrow();
    }

    /**
     * @param x input
     * @return exact GELU, {@code x * Phi(x)} (PyTorch's default, not the tanh approximation)
     */
    public static NDArray gelu(NDArray x) {
        return x.getNDArrayInternal().gelu();
    }

    /**
     * @param ids integer ids (any shape)
     * @param table (rows, dim)
     * @return {@code table[ids]}, shape ids.shape + (dim)
     */
    public static NDArray embedding(NDArray ids, NDArray table) {
        return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }

    /**
     * Inverted dropout ({@code nn.Dropout}): active only in training.
     *
     * @param x input
     * @param rate drop probability
     * @param training training mode
     * @return x unchanged in eval mode or with rate 0, else dropped and rescaled
     */
    public static NDArray dropout(NDArray x, double rate, boolean training) {
        if (!training || rate <= 0) {
            return x;
        }
        return x.getNDArrayInternal().dropout(x, (float) rate, true).singletonOrThrow();
    }

    /**
     * Stochastic depth (timm {@code DropPath}): in training, zeroes each sample's residual branch
     * with probability {@code rate} and scales the kept ones by {@code 1 / (1 - rate)}.
     *
     * @param x residual branch (B, ...)
     * @param rate drop probability
     * @param training training mode
     * @return x unchanged in eval mode or with rate 0
     */
    public static NDArray dropPath(NDArray x, double rate, boolean training) {
        if (!training || rate <= 0) {
            return x;
        }
        float keep = (float) (1.0 - rate);
        long[] dims = new long[x.getShape().dimension()];
        java.util.Arrays.fill(dims, 1);
        dims[0] = x.getShape().get(0);
        NDArray mask = x.getManager().randomUniform(0f, 1f, new Shape(dims), DataType.FLOAT32, x.getDevice())
                .add(keep).floor().toType(x.getDataType(), false);
        return divScalar(x, keep).mul(mask);
    }

    /**
     * {@code x * s}, with the scalar held as a 0-d array of {@code x}'s manager.
     *
     * <p>Why not {@code x.mul(s)}: DJL's PyTorch {@code mul(Number)} / {@code div(Number)} wrap the
     * scalar in a temporary 0-d tensor backed by a Java direct buffer and close it right after the
     * call; libtorch's autograd saves that tensor for the backward pass, and once the JVM collects the
     * buffer the gradient reads freed memory (garbage or NaN gradients, depending on GC timing). Here
     * the scalar lives as long as {@code x}'s manager, i.e. until the training step's scope closes.
     * Forward results are identical.
     *
     * @param x input
     * @param s factor
     * @return {@code x * s}
     */
    public static NDArray mulScalar(NDArray x, float s) {
        return x.mul(x.getManager().create(s).toDevice(x.getDevice(), false));
    }

    /**
     * {@code x / s}, with the scalar held as a 0-d array of {@code x}'s manager (see {@link #mulScalar}).
     *
     * @param x input
     * @param s divisor
     * @return {@code x / s}
     */
    public static NDArray divScalar(NDArray x, float s) {
        return x.div(x.getManager().create(s).toDevice(x.getDevice(), false));
    }

    /**
     * @param x (..., d)
     * @return {@code x / ||x||_2} along the last axis ({@code x / x.norm(dim=-1, keepdim=True)})
     */
    public static NDArray l2Normalize(NDArray x) {
        return x.div(x.norm(new int[] {-1}, true));
    }
}
