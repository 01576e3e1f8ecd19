package dev.fiber.tasks.retrieval;

import dev.fiber.core.image.RgbImage;
import java.util.Objects;

/**
 * An image and a text whose match FIBER's ITM head scores (input of {@link ItmTranslator}).
 *
 * @param image the image
 * @param text the text, not blank
 */
public record ItmPair(RgbImage image, String text) {

    /** Checks that both parts are present. */
    public ItmPair {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(text, "text");
    }
}
