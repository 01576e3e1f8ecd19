package dev.fiber.tasks.vqa;

import java.util.List;

/**
 * Answers to several questions about one image (output of {@link VqaQuestionsTranslator}).
 *
 * @param predictions one per question, in question order
 */
public record VqaPredictions(List<VqaPrediction> predictions) {

    /** Copies. */
    public VqaPredictions {
        predictions = List.copyOf(predictions);
    }
}
