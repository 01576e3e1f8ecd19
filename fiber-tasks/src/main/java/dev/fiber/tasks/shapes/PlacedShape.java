package dev.fiber.tasks.shapes;

import java.util.Objects;

/**
 * One shape of a scene: what it is and where it is drawn.
 *
 * @param kind     the shape
 * @param color    its colour name
 * @param rgb      the exact fill colour (the colour's base value with jitter)
 * @param cx       centre x in pixels
 * @param cy       centre y in pixels
 * @param radius   circumradius in pixels (the shape fits in a circle of this radius)
 * @param rotation rotation in degrees
 */
public record PlacedShape(ShapeKind kind, ShapeColor color, int[] rgb, double cx, double cy, double radius,
        double rotation) {

    /** Validates and copies. */
    public PlacedShape {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(color, "color");
        if (rgb.length != 3) {
            throw new IllegalArgumentException("rgb needs 3 values");
        }
        rgb = rgb.clone();
        if (!(radius > 0)) {
            throw new IllegalArgumentException("radius must be positive, got " + radius);
        }
    }

    @Override
    public int[] rgb() {
        return rgb.clone();
    }

    @Override
    public String toString() {
        return color.word() + " " + kind.word() + String.format(java.util.Locale.ROOT, " @(%.1f, %.1f) r=%.1f", cx, cy, radius);
    }
}
