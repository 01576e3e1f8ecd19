package dev.fiber.tasks.data;

/**
 * One distinct answer of a VQAv2 question and how many of the (usually 10) annotators gave it,
 * counted on the raw {@code answer} strings as the official {@code write_vqa.py} does.
 *
 * @param answer the answer string as in the annotation file
 * @param count  how many annotators gave it, &ge; 1
 */
public record VqaAnswerCount(String answer, int count) {

    /** Validates the fields. */
    public VqaAnswerCount {
        if (answer == null) {
            throw new IllegalArgumentException("answer is null");
        }
        if (count < 1) {
            throw new IllegalArgumentException("answer count must be >= 1, got " + count + " for '" + answer + "'");
        }
    }
}
