package dev.fiber.tasks.data;

import java.util.List;
import java.util.Objects;

/**
 * One VQAv2 question with its image and, for annotated splits, its answers: the unit a row of the
 * official {@code vqav2_*.arrow} tables expands to ({@code VQAv2Dataset} indexes one question at a
 * time).
 *
 * @param questionId           {@code question_id}
 * @param imageId              {@code image_id} (COCO id)
 * @param imagePath            image path relative to the image root (e.g.
 *     {@code val2014/COCO_val2014_000000391895.jpg})
 * @param question             the question text
 * @param questionType         {@code question_type} of the annotation (e.g. {@code "what color is the"}),
 *     empty without annotations
 * @param answerType           {@code answer_type} ({@code "yes/no"}, {@code "number"}, {@code "other"}),
 *     empty without annotations
 * @param multipleChoiceAnswer {@code multiple_choice_answer} (the most common answer), empty without
 *     annotations
 * @param answers              distinct raw answers with counts, in order of first appearance; empty for
 *     test splits
 */
public record VqaQuestion(long questionId, long imageId, String imagePath, String question, String questionType,
        String answerType, String multipleChoiceAnswer, List<VqaAnswerCount> answers) {

    /** Validates and copies. */
    public VqaQuestion {
        Objects.requireNonNull(imagePath, "imagePath");
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(questionType, "questionType");
        Objects.requireNonNull(answerType, "answerType");
        Objects.requireNonNull(multipleChoiceAnswer, "multipleChoiceAnswer");
        answers = List.copyOf(answers);
    }

    /** @return whether answers are known (train/val, not test) */
    public boolean annotated() {
        return !answers.isEmpty();
    }
}
