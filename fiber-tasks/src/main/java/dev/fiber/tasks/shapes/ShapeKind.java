package dev.fiber.tasks.shapes;

/** The shapes of the procedural VQA data set ({@link ShapesDataset}), with their English words. */
public enum ShapeKind {
    /** A filled circle. */
    CIRCLE("circle", "circles"),
    /** An axis-aligned filled square (tilted at most 10 degrees). */
    SQUARE("square", "squares"),
    /** A filled equilateral triangle pointing up (tilted at most 15 degrees). */
    TRIANGLE("triangle", "triangles"),
    /** A square standing on a corner (45 degrees, tilted at most 8 more). */
    DIAMOND("diamond", "diamonds"),
    /** A filled five-pointed star, any rotation. */
    STAR("star", "stars");

    private final String word;
    private final String plural;

    ShapeKind(String word, String plural) {
        this.word = word;
        this.plural = plural;
    }

    /** @return the singular noun, also the answer string ({@code "circle"}) */
    public String word() {
        return word;
    }

    /** @return the plural noun ({@code "circles"}) */
    public String plural() {
        return plural;
    }
}
