package dev.fiber.core.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * One image prepared for fine-grained FIBER by {@link FineTransform#apply(RgbImage)}: the normalised,
 * zero-padded pixels and the sizes the detector needs (anchors and clipping use {@code imageSize}, the
 * final rescale to the original image uses {@code originalSize}).
 *
 * @param pixels       float32 CHW, {@code 3 x padded.height x padded.width}
 * @param paddedSize   size of {@code pixels} (multiples of the size divisibility)
 * @param imageSize    resized, unpadded size ({@code ImageList.image_sizes})
 * @param originalSize size of the image before resizing
 */
public record FineImageInput(float[] pixels, ImageSize paddedSize, ImageSize imageSize, ImageSize originalSize) {

    /**
     * @param manager owns the result
     * @return float32 array of shape (1, 3, Hp, Wp)
     */
    public NDArray toNDArray(NDManager manager) {
        return manager.create(pixels, new Shape(1, 3, paddedSize.height(), paddedSize.width()));
    }
}
