package dev.fiber.tasks.shapes;

import dev.fiber.core.image.RgbImage;
import java.util.Objects;

/**
 * One generated VQA example: a rendered scene, a question about it and the answer.
 *
 * @param index    position in the generated data set (also its image and question id on export)
 * @param image    the rendered scene
 * @param question the question (capitalised, ending with {@code ?})
 * @param answer   the answer, one of {@link ShapesDataset#ANSWERS}
 * @param type     the question family
 * @param scene    the scene description the image was rendered from
 */
public record ShapesSample(int index, RgbImage image, String question, String answer, QuestionType type,
        ShapesScene scene) {

    /** Validates. */
    public ShapesSample {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(scene, "scene");
    }
}
