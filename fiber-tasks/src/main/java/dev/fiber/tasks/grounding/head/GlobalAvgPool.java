package dev.fiber.tasks.grounding.head;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** {@code nn.AdaptiveAvgPool2d(1)}: the mean over the spatial axes of an {@code (N, C, H, W)} tensor. */
final class GlobalAvgPool {

    private GlobalAvgPool() {}

    /**
     * @param x {@code (N, C, H, W)}
     * @return {@code (N, C, 1, 1)}
     */
    static NDArray apply(NDArray x) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), -1).mean(new int[] {2}).reshape(s.get(0), s.get(1), 1, 1);
    }
}
