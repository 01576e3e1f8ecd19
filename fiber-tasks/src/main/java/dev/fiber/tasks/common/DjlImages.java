package dev.fiber.tasks.common;

import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.fiber.core.image.RgbImage;
import java.util.Objects;

/**
 * Converts DJL's {@link Image} (any {@code ImageFactory}: AWT, OpenCV, ...) to the project's
 * {@link RgbImage}, whose preprocessing reproduces the official PIL pipeline exactly.
 */
public final class DjlImages {

    private DjlImages() {}

    /**
     * @param image a DJL image
     * @return its 8-bit RGB pixels (alpha dropped)
     */
    public static RgbImage toRgb(Image image) {
        Objects.requireNonNull(image, "image");
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray hwc = image.toNDArray(m, Image.Flag.COLOR).toType(DataType.UINT8, false);
            if (hwc.getShape().dimension() != 3 || hwc.getShape().get(2) != 3) {
                throw new IllegalArgumentException("expected an H x W x 3 image, got " + hwc.getShape());
            }
            return RgbImage.of(image.getWidth(), image.getHeight(), hwc.toByteArray());
        }
    }
}
