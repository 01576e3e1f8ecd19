package dev.fiber.tasks.data;

import java.util.List;
import java.util.Objects;

/**
 * The questions of one VQAv2 file pair (e.g. {@code v2_OpenEnded_mscoco_val2014_questions.json} +
 * {@code v2_mscoco_val2014_annotations.json}), in file order.
 *
 * @param dataSubtype {@code data_subtype} of the questions file ({@code train2014}, {@code val2014},
 *     {@code test2015}, {@code test-dev2015}, ...)
 * @param questions   the questions
 */
public record VqaV2Split(String dataSubtype, List<VqaQuestion> questions) {

    /** Copies the list. */
    public VqaV2Split {
        Objects.requireNonNull(dataSubtype, "dataSubtype");
        questions = List.copyOf(questions);
    }

    /** @return the number of questions */
    public int size() {
        return questions.size();
    }
}
