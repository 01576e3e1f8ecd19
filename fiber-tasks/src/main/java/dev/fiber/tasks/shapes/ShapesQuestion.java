package dev.fiber.tasks.shapes;

import java.util.Objects;

/**
 * A planned example before rendering: the scene, the question and its answer. Planning is cheap
 * (no pixels), rendering is {@link ShapesRenderer#render}.
 *
 * @param index    position in the data set
 * @param scene    the scene
 * @param question the question
 * @param answer   the answer
 * @param type     the question family
 */
public record ShapesQuestion(int index, ShapesScene scene, String question, String answer, QuestionType type) {

    /** Validates. */
    public ShapesQuestion {
        Objects.requireNonNull(scene, "scene");
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(type, "type");
    }

    /** @return the rendered example */
    public ShapesSample render() {
        return new ShapesSample(index, ShapesRenderer.render(scene), question, answer, type, scene);
    }
}
