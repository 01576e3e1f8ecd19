package dev.fiber.tasks.vqa;

import dev.fiber.core.image.RgbImage;
import java.util.List;
import java.util.Objects;

/**
 * Several questions about one image (input of {@link VqaQuestionsTranslator}); the image's
 * uni-modal bottom is computed once for all of them.
 *
 * @param image the image
 * @param questions the questions (at least one, none blank)
 */
public record VqaQuestions(RgbImage image, List<String> questions) {

    /** Copies and checks. */
    public VqaQuestions {
        Objects.requireNonNull(image, "image");
        questions = List.copyOf(questions);
        if (questions.isEmpty()) {
            throw new IllegalArgumentException("no questions given");
        }
    }
}
