package dev.fiber.tasks.data;

import dev.fiber.tasks.vqa.VqaTargets;
import java.util.Objects;

/**
 * One preprocessed VQAv2 training/evaluation sample (the dict {@code VQAv2Dataset.__getitem__}
 * returns): image + question tokens, answer targets, question id.
 *
 * @param input      the image and tokenised question
 * @param targets    answer labels and soft scores ({@link VqaTargets#of}), or {@code null} when the dataset has no vocabulary
 *     or the question no annotation (test splits)
 * @param questionId {@code question_id}
 */
public record VqaItem(ImageTextItem input, VqaTargets.Target targets, long questionId) {

    /** Validates. */
    public VqaItem {
        Objects.requireNonNull(input, "input");
    }
}
