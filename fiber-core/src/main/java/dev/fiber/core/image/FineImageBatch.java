package dev.fiber.core.image;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * A batch prepared for fine-grained FIBER by {@link FineTransform#batch}: the {@code ImageList} of the
 * official code. The pixels belong to the {@link ai.djl.ndarray.NDManager} given to {@code batch}.
 *
 * @param pixels        float32 (B, 3, Hp, Wp), zero-padded bottom/right
 * @param imageSizes    per image the resized, unpadded size
 * @param originalSizes per image the size before resizing
 */
public record FineImageBatch(NDArray pixels, List<ImageSize> imageSizes, List<ImageSize> originalSizes) {}
