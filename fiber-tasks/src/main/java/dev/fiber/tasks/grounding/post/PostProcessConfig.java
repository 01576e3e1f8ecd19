package dev.fiber.tasks.grounding.post;

/**
 * Parameters of the ATSS post-processing ({@code MODEL.ATSS}).
 *
 * @param inferenceThreshold {@code INFERENCE_TH}: candidates need a mean token probability above it (0.05)
 * @param preNmsTopN {@code PRE_NMS_TOP_N}: candidates kept per level (1000)
 * @param nmsThreshold {@code NMS_TH}: IoU threshold of the per-label NMS (0.6)
 * @param detectionsPerImage {@code DETECTIONS_PER_IMG}: final cut (100; 0 or less disables it)
 */
public record PostProcessConfig(float inferenceThreshold, int preNmsTopN, float nmsThreshold, int detectionsPerImage) {

    /** Validates the values. */
    public PostProcessConfig {
        if (!(inferenceThreshold >= 0f)) {
            throw new IllegalArgumentException("INFERENCE_TH must be >= 0 (label columns without tokens score 0), got "
                    + inferenceThreshold);
        }
        if (preNmsTopN < 0) {
            throw new IllegalArgumentException("PRE_NMS_TOP_N must be >= 0, got " + preNmsTopN);
        }
    }

    /** @return FIBER-B's values (0.05, 1000, 0.6, 100) */
    public static PostProcessConfig fiberB() {
        return new PostProcessConfig(0.05f, 1000, 0.6f, 100);
    }
}
