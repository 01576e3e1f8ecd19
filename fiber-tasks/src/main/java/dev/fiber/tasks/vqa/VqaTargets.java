package dev.fiber.tasks.vqa;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Soft VQA targets as FIBER's {@code utils/write_vqa.py} stores them ({@code answer_labels} /
 * {@code answer_scores}, read back by {@code VQAv2Dataset} as {@code vqa_labels} / {@code vqa_scores}).
 *
 * <p>Quirk kept from the official code: the annotators' answers are looked up in the vocabulary
 * <em>raw</em>, without {@link VqaAnswerNormalizer normalisation} (only the majority answers that built
 * the vocabulary were normalised), so for example {@code "Yes"} or {@code "two"} given by an annotator
 * earns no label. Official train/val questions whose target ends up empty are dropped from the data set.
 */
public final class VqaTargets {

    private VqaTargets() {}

    /**
     * The official soft score of an answer given by {@code count} of the (usually 10) annotators
     * ({@code get_score}): 0 → 0.0, 1 → 0.3, 2 → 0.6, 3 → 0.9, 4 or more → 1.0.
     *
     * @param count how many annotators gave the answer (≥ 0)
     * @return the score
     * @throws IllegalArgumentException if {@code count} is negative
     */
    public static double score(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("answer count must be >= 0, got " + count);
        }
        return switch (count) {
            case 0 -> 0.0;
            case 1 -> 0.3;
            case 2 -> 0.6;
            case 3 -> 0.9;
            default -> 1.0;
        };
    }

    /**
     * The labels and scores of one question.
     *
     * @param labels class indices, in order of the first appearance of each distinct raw answer
     * @param scores {@link #score(int)} of each label's answer count
     */
    public record Target(int[] labels, double[] scores) {
        /** @return whether no annotator answer is in the vocabulary (official train/val drop such questions) */
        public boolean isEmpty() {
            return labels.length == 0;
        }
    }

    /**
     * Builds one question's target from its annotators' raw answers.
     *
     * @param rawAnswers the {@code answers[].answer} strings of the question, in file order
     * @param vocabulary the answer vocabulary
     * @return labels and scores (possibly empty)
     */
    public static Target of(List<String> rawAnswers, AnswerVocabulary vocabulary) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String a : rawAnswers) {
            counts.merge(a, 1, Integer::sum);
        }
        int n = 0;
        int[] labels = new int[counts.size()];
        double[] scores = new double[counts.size()];
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            int label = vocabulary.indexOf(e.getKey());
            if (label >= 0) {
                labels[n] = label;
                scores[n] = score(e.getValue());
                n++;
            }
        }
        return new Target(java.util.Arrays.copyOf(labels, n), java.util.Arrays.copyOf(scores, n));
    }
}
