package dev.fiber.tasks.vqa;

import dev.fiber.core.image.ImageDecoder;
import dev.fiber.core.image.RgbImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A visual question: an image and a question about it (input of {@link VqaTranslator}).
 *
 * @param image the image (decoded 8-bit RGB)
 * @param question the question, not blank
 */
public record VqaQuery(RgbImage image, String question) {

    /** Checks that both parts are present. */
    public VqaQuery {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(question, "question");
    }

    /**
     * @param image an image file (JPEG, PNG, ...)
     * @param question the question
     * @return the query
     * @throws IOException if the image cannot be read or decoded (the message names the file)
     */
    public static VqaQuery of(Path image, String question) throws IOException {
        return new VqaQuery(ImageDecoder.read(image), question);
    }
}
