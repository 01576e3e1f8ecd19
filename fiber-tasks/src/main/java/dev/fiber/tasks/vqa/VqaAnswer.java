package dev.fiber.tasks.vqa;

/**
 * One candidate answer.
 *
 * @param answer the answer text (from the {@link AnswerVocabulary})
 * @param classIndex its class in {@code vqa_classifier}
 * @param probability {@code sigmoid(logit)}: FIBER's VQA head is trained multi-label with binary
 *     cross-entropy against soft VQA scores ({@code compute_vqa}), so probabilities of different
 *     answers do not sum to 1
 */
public record VqaAnswer(String answer, int classIndex, float probability) {}
