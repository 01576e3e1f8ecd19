package dev.fiber.core.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * Cyclic shift of a tensor along one axis, the equivalent of {@code torch.roll(x, shifts, dims)}.
 *
 * <p>Swin Transformer's shifted-window attention rolls the (padded) feature map by {@code -window/2}
 * before partitioning it into windows and by {@code +window/2} afterwards (FIBER
 * {@code SwinTransformerBlock.forward}). DJL has no roll, so it is composed of two slices and a concat.
 */
public final class Roll {

    private Roll() {}

    /**
     * Rolls {@code x} by {@code shift} positions along {@code axis}: element {@code i} moves to
     * {@code (i + shift) mod n}. Negative shifts move towards the start, as in PyTorch.
     *
     * @param x the input (not modified)
     * @param shift the signed shift in elements
     * @param axis the axis (negative counts from the end)
     * @return a new array with the same shape
     * @throws IllegalArgumentException if {@code axis} is out of range
     */
    public static NDArray roll(NDArray x, long shift, int axis) {
        int rank = x.getShape().dimension();
        int ax = axis < 0 ? axis + rank : axis;
        if (ax < 0 || ax >= rank) {
            throw new IllegalArgumentException("roll axis " + axis + " out of range for rank " + rank);
        }
        long n = x.getShape().get(ax);
        if (n == 0) {
            return x.duplicate();
        }
        long s = ((shift % n) + n) % n;
        if (s == 0) {
            return x.duplicate();
        }
        try (NDArray tail = x.get(NDIndex.sliceAxis(ax, n - s, n));
                NDArray head = x.get(NDIndex.sliceAxis(ax, 0, n - s))) {
            return tail.concat(head, ax);
        }
    }

    /**
     * Rolls along two axes, as {@code torch.roll(x, shifts=(s0, s1), dims=(a0, a1))}.
     *
     * @param x the input
     * @param shift0 shift along {@code axis0}
     * @param axis0 first axis
     * @param shift1 shift along {@code axis1}
     * @param axis1 second axis
     * @return a new array with the same shape
     */
    public static NDArray roll(NDArray x, long shift0, int axis0, long shift1, int axis1) {
        try (NDArray first = roll(x, shift0, axis0)) {
            return roll(first, shift1, axis1);
        }
    }
}
