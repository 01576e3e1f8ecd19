package dev.fiber.tasks.data.augment;

/**
 * A crop rectangle in pixel coordinates, as torchvision's {@code RandomResizedCrop.get_params}
 * returns it ({@code i = top, j = left, h, w}).
 *
 * @param top    first row
 * @param left   first column
 * @param height rows
 * @param width  columns
 */
public record CropBox(int top, int left, int height, int width) {}
