package dev.fiber.core.image;

/**
 * Height and width of an image in pixels (the {@code (h, w)} order of {@code ImageList.image_sizes} in
 * fine-grained FIBER).
 *
 * @param height rows
 * @param width  columns
 */
public record ImageSize(int height, int width) {

    /** Validates the size. */
    public ImageSize {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + height + " x " + width);
        }
    }
}
