package dev.fiber.tasks.grounding.eval;

/**
 * One detection in the COCO results format.
 *
 * @param imageId {@code image_id}
 * @param categoryId {@code category_id}
 * @param bbox {@code [x, y, w, h]}
 * @param score confidence
 */
public record CocoDetection(long imageId, long categoryId, double[] bbox, double score) {}
