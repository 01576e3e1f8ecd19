package dev.fiber.tasks.grounding;

import dev.fiber.core.image.ImageSize;

import java.util.List;

/**
 * What {@link FiberGrounder} found in one image.
 *
 * @param caption the caption the model read
 * @param imageSize size of the input image (boxes are in its pixels)
 * @param detections boxes sorted by descending score
 */
public record GroundingResult(String caption, ImageSize imageSize, List<Detection> detections) {

    /**
     * One box.
     *
     * @param label label id (grounding: 1-based phrase index; detection: 1-based category index)
     * @param phrase the phrase or category name of the label
     * @param score {@code sqrt(mean token probability * centerness)}
     * @param x1 left (pixels of the input image)
     * @param y1 top
     * @param x2 right (inclusive-pixel convention of maskrcnn-benchmark)
     * @param y2 bottom
     */
    public record Detection(long label, String phrase, float score, float x1, float y1, float x2, float y2) {}

    /**
     * @param minScore threshold
     * @return the detections with {@code score > minScore} (the demo's confidence filter)
     */
    public GroundingResult above(float minScore) {
        return new GroundingResult(caption, imageSize,
                detections.stream().filter(d -> d.score() > minScore).toList());
    }
}
