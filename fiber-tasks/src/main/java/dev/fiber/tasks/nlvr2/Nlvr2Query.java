package dev.fiber.tasks.nlvr2;

import dev.fiber.core.image.ImageDecoder;
import dev.fiber.core.image.RgbImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An NLVR2 example: two images and a statement about them (input of {@link Nlvr2Translator}).
 * The order matters: the official model encodes {@code image} ("left", {@code image_token_type_idx=1})
 * and {@code image_1} ("right", idx 2) and concatenates their features in that order.
 *
 * @param left the first image ({@code image})
 * @param right the second image ({@code image_1})
 * @param statement the statement, not blank
 */
public record Nlvr2Query(RgbImage left, RgbImage right, String statement) {

    /** Checks that all parts are present. */
    public Nlvr2Query {
        Objects.requireNonNull(left, "left image");
        Objects.requireNonNull(right, "right image");
        Objects.requireNonNull(statement, "statement");
    }

    /**
     * @param left first image file
     * @param right second image file
     * @param statement the statement
     * @return the query
     * @throws IOException if an image cannot be read
     */
    public static Nlvr2Query of(Path left, Path right, String statement) throws IOException {
        return new Nlvr2Query(ImageDecoder.read(left), ImageDecoder.read(right), statement);
    }
}
