package dev.fiber.tasks.shapes;

/**
 * The colours of the procedural VQA data set, saturated and far apart so that jitter (each channel
 * up to +-18) and noise keep them recognisable on the low-saturation backgrounds.
 */
public enum ShapeColor {
    /** Red. */
    RED("red", 215, 35, 35),
    /** Green. */
    GREEN("green", 35, 165, 55),
    /** Blue. */
    BLUE("blue", 35, 75, 220),
    /** Yellow. */
    YELLOW("yellow", 235, 215, 30),
    /** Purple. */
    PURPLE("purple", 135, 50, 185),
    /** Orange. */
    ORANGE("orange", 245, 135, 20);

    private final String word;
    private final int r;
    private final int g;
    private final int b;

    ShapeColor(String word, int r, int g, int b) {
        this.word = word;
        this.r = r;
        this.g = g;
        this.b = b;
    }

    /** @return the colour word, also the answer string ({@code "red"}) */
    public String word() {
        return word;
    }

    /** @return the base RGB value (0..255 each) */
    public int[] rgb() {
        return new int[] {r, g, b};
    }

    /** @return {@code "an"} before a vowel, else {@code "a"} */
    public String article() {
        return "aeiou".indexOf(word.charAt(0)) >= 0 ? "an" : "a";
    }
}
