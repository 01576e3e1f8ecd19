package dev.fiber.tasks.data;

import java.util.List;
import java.util.Objects;

/**
 * One VQAv2 question with its image and, for annotated splits, its annotators' answers: the unit a
 * row of the official {@code vqav2_*.arrow} tables expands to ({@code VQAv2Dataset} indexes one
 * question at a time).
 *
 * @param questionId           {@code question_id}
 * @param imageId              {@code image_id} (COCO id)
 * @param imagePath            image path relative to the image root (e.g.
 *     {@code val2014/COCO_val2014_000000391895.jpg})
 * @param question             the question text
 * @param multipleChoiceAnswer {@code multiple_choice_answer} (the most common answer), empty without
 *     annotations
 * @param answers              the raw {@code answers[].answer} strings (usually 10) in file order, the
 *     input of {@link dev.fiber.tasks.vqa.VqaTargets#of}; empty for test splits
 */
public record VqaQuestion(long questionId, long imageId, String imagePath, String question, String multipleChoiceAnswer,
        List<String> answers) {

    /** Validates and copies. */
    public VqaQuestion {
        Objects.requireNonNull(imagePath, "imagePath");
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(multipleChoiceAnswer, "multipleChoiceAnswer");
        answers = List.copyOf(answers);
    }

    /** @return whether answers are known (train/val, not test) */
    public boolean annotated() {
        return !answers.isEmpty();
    }
}
