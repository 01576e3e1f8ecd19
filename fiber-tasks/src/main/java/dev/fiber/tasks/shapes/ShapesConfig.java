package dev.fiber.tasks.shapes;

/**
 * Parameters of the procedural VQA data set.
 *
 * @param imageSize     image side in pixels (16..1024; default 96)
 * @param maxShapes     most shapes per image (1..4; default 4; count answers go from 0 to this)
 * @param maxNoiseSigma largest per-pixel noise standard deviation (each image draws one in
 *     {@code [0, max]}; default 10)
 */
public record ShapesConfig(int imageSize, int maxShapes, double maxNoiseSigma) {

    /** 96 px, 1-4 shapes, noise up to sigma 10. */
    public static final ShapesConfig DEFAULT = new ShapesConfig(96, 4, 10);

    /** Validates. */
    public ShapesConfig {
        if (imageSize < 16 || imageSize > 1024) {
            throw new IllegalArgumentException("image size must be 16..1024, got " + imageSize);
        }
        if (maxShapes < 1 || maxShapes > ShapesDataset.MAX_SHAPES) {
            throw new IllegalArgumentException("max shapes must be 1.." + ShapesDataset.MAX_SHAPES + ", got " + maxShapes);
        }
        if (!(maxNoiseSigma >= 0 && maxNoiseSigma <= 64)) {
            throw new IllegalArgumentException("max noise sigma must be 0..64, got " + maxNoiseSigma);
        }
    }

    /**
     * @param size image side
     * @return a copy with another image size
     */
    public ShapesConfig withImageSize(int size) {
        return new ShapesConfig(size, maxShapes, maxNoiseSigma);
    }
}
