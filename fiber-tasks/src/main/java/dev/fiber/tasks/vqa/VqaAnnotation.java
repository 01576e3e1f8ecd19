package dev.fiber.tasks.vqa;

import java.util.List;
import java.util.Objects;

/**
 * One entry of the {@code "annotations"} array of a VQAv2 annotation file
 * ({@code v2_mscoco_train2014_annotations.json} / {@code v2_mscoco_val2014_annotations.json}), reduced to the
 * fields FIBER's {@code utils/write_vqa.py} reads.
 *
 * @param questionId           {@code question_id}
 * @param imageId              {@code image_id}
 * @param multipleChoiceAnswer {@code multiple_choice_answer}: the most common raw answer, the one that is
 *                             normalised and counted to build the answer vocabulary
 * @param answers              the raw {@code answers[].answer} strings (usually 10, one per annotator), in
 *                             file order; used, un-normalised, for the soft targets
 */
public record VqaAnnotation(long questionId, long imageId, String multipleChoiceAnswer, List<String> answers) {

    /** Validates and copies. */
    public VqaAnnotation {
        Objects.requireNonNull(multipleChoiceAnswer, "multipleChoiceAnswer");
        answers = List.copyOf(answers);
    }
}
