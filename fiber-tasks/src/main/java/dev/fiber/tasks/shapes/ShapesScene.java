package dev.fiber.tasks.shapes;

import java.util.List;
import java.util.Objects;

/**
 * A scene of the procedural VQA data set, everything needed to render it deterministically.
 *
 * @param size       image side in pixels
 * @param topColor   background colour at the top row (RGB)
 * @param bottomColor background colour at the bottom row (a vertical gradient; equal for a plain
 *     background)
 * @param noiseSigma standard deviation of the per-pixel Gaussian noise added after drawing (0 = none)
 * @param noiseSeed  seed of that noise
 * @param shapes     the shapes, in drawing order (they do not overlap)
 */
public record ShapesScene(int size, int[] topColor, int[] bottomColor, double noiseSigma, long noiseSeed,
        List<PlacedShape> shapes) {

    /** Validates and copies. */
    public ShapesScene {
        if (size < 16) {
            throw new IllegalArgumentException("image size must be >= 16, got " + size);
        }
        if (topColor.length != 3 || bottomColor.length != 3) {
            throw new IllegalArgumentException("background colours need 3 values");
        }
        topColor = topColor.clone();
        bottomColor = bottomColor.clone();
        if (noiseSigma < 0) {
            throw new IllegalArgumentException("noise sigma must be >= 0, got " + noiseSigma);
        }
        shapes = List.copyOf(Objects.requireNonNull(shapes, "shapes"));
    }

    @Override
    public int[] topColor() {
        return topColor.clone();
    }

    @Override
    public int[] bottomColor() {
        return bottomColor.clone();
    }

    /**
     * @param kind a shape
     * @return how many shapes of that kind the scene has
     */
    public long count(ShapeKind kind) {
        return shapes.stream().filter(s -> s.kind() == kind).count();
    }

    /**
     * @param kind  a shape
     * @param color a colour
     * @return whether a shape of that kind and colour is present
     */
    public boolean contains(ShapeKind kind, ShapeColor color) {
        return shapes.stream().anyMatch(s -> s.kind() == kind && s.color() == color);
    }
}
