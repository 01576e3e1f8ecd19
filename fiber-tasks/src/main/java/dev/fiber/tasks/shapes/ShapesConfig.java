package dev.fiber.tasks.shapes;

/**
 * Parameters of the procedural VQA data set.
 *
 * @param imageSize     image side in pixels (16..1024; default 96)
 * @param maxShapes     most shapes per image (1..4; default 4; count answers go from 0 to this)
 * @param maxNoiseSigma largest per-pixel noise standard deviation (each image draws one in
 *     {@code [0, max]}; default 10)
 * @param minRadius     smallest shape radius as a fraction of the image side (default 0.09)
 * @param maxRadius     largest shape radius as a fraction of the image side (default 0.16; shapes shrink
 *     when a scene cannot be placed without overlap)
 * @param kinds         how many shape kinds are used: the first {@code kinds} of {@link ShapeKind} (2..5; default 5)
 * @param colors        how many colours are used: the first {@code colors} of {@link ShapeColor} (2..6; default 6)
 */
public record ShapesConfig(int imageSize, int maxShapes, double maxNoiseSigma, double minRadius, double maxRadius, int kinds,
        int colors) {

    /** 96 px, 1-4 shapes, noise up to sigma 10, radius 9-16 % of the side. */
    public static final ShapesConfig DEFAULT = new ShapesConfig(96, 4, 10);

    /**
     * A configuration with the default radius range (9-16 % of the image side).
     *
     * @param imageSize     image side in pixels
     * @param maxShapes     most shapes per image
     * @param maxNoiseSigma largest noise standard deviation
     */
    public ShapesConfig(int imageSize, int maxShapes, double maxNoiseSigma) {
        this(imageSize, maxShapes, maxNoiseSigma, 0.09, 0.16, ShapeKind.values().length, ShapeColor.values().length);
    }

    /** Validates. */
    public ShapesConfig {
        if (kinds < 2 || kinds > ShapeKind.values().length || colors < 2 || colors > ShapeColor.values().length) {
            throw new IllegalArgumentException("kinds must be 2.." + ShapeKind.values().length + " and colors 2.." + ShapeColor.values().length
                    + ", got " + kinds + " and " + colors);
        }
        if (!(minRadius >= 0.02 && minRadius <= maxRadius && maxRadius <= 0.3)) {
            throw new IllegalArgumentException("shape radius range must satisfy 0.02 <= min <= max <= 0.3 (fractions of the image side), got "
                    + minRadius + ".." + maxRadius);
        }
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
        return new ShapesConfig(size, maxShapes, maxNoiseSigma, minRadius, maxRadius, kinds, colors);
    }

    /**
     * @param min smallest radius (fraction of the side)
     * @param max largest radius (fraction of the side)
     * @return a copy with another radius range
     */
    public ShapesConfig withRadius(double min, double max) {
        return new ShapesConfig(imageSize, maxShapes, maxNoiseSigma, min, max, kinds, colors);
    }

    /**
     * @param kindCount  shape kinds used (the first ones of {@link ShapeKind})
     * @param colorCount colours used (the first ones of {@link ShapeColor})
     * @return a copy with other vocabularies
     */
    public ShapesConfig withVocabulary(int kindCount, int colorCount) {
        return new ShapesConfig(imageSize, maxShapes, maxNoiseSigma, minRadius, maxRadius, kindCount, colorCount);
    }

    /**
     * @return the shape kinds in use
     */
    public ShapeKind[] kindValues() {
        return java.util.Arrays.copyOf(ShapeKind.values(), kinds);
    }

    /**
     * @return the colours in use
     */
    public ShapeColor[] colorValues() {
        return java.util.Arrays.copyOf(ShapeColor.values(), colors);
    }

    /**
     * @param n most shapes per image
     * @return a copy with another maximum
     */
    public ShapesConfig withMaxShapes(int n) {
        return new ShapesConfig(imageSize, n, maxNoiseSigma, minRadius, maxRadius, kinds, colors);
    }
}
