package dev.fiber.tasks.vqa;

import java.util.List;

/**
 * The top answers to one question, best first (the official {@code vqa_test_step} submits the
 * arg-max, i.e. {@link #best()}).
 *
 * @param answers the top-k answers by probability
 */
public record VqaPrediction(List<VqaAnswer> answers) {

    /** Copies. */
    public VqaPrediction {
        answers = List.copyOf(answers);
    }

    /** @return the best answer */
    public VqaAnswer best() {
        return answers.get(0);
    }

    @Override
    public String toString() {
        return answers.isEmpty() ? "(no answer)" : best().answer();
    }
}
