package dev.fiber.tasks.data;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * VQAv2 soft scores as the official {@code write_vqa.py} computes them: an answer given by {@code n}
 * annotators scores {@code 0.3 n} capped at 1 (0, 0.3, 0.6, 0.9, then 1.0 from 4 annotators on), and
 * only answers present in the answer vocabulary get a label, matched on the raw answer string.
 *
 * <p>Kept small and self-contained so the data pipeline does not depend on the VQA task package; the
 * answer vocabulary itself (labels from normalised {@code multiple_choice_answer}s seen at least 9
 * times) is built there.
 */
public final class VqaSoftScores {

    private VqaSoftScores() {}

    /**
     * {@code get_score(occurences)}.
     *
     * @param count annotators who gave the answer
     * @return 0, 0.3, 0.6, 0.9 or 1.0
     */
    public static float score(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        switch (count) {
            case 0:
                return 0.0f;
            case 1:
                return 0.3f;
            case 2:
                return 0.6f;
            case 3:
                return 0.9f;
            default:
                return 1.0f;
        }
    }

    /**
     * Labels and scores of a question's answers.
     *
     * @param answers       distinct raw answers with counts (order kept)
     * @param answerToLabel the answer vocabulary
     * @return labels of the answers found in the vocabulary and their scores
     */
    public static VqaTargets targets(List<VqaAnswerCount> answers, Map<String, Integer> answerToLabel) {
        Objects.requireNonNull(answers, "answers");
        Objects.requireNonNull(answerToLabel, "answerToLabel");
        int[] labels = new int[answers.size()];
        float[] scores = new float[answers.size()];
        int n = 0;
        for (VqaAnswerCount a : answers) {
            Integer label = answerToLabel.get(a.answer());
            if (label == null) {
                continue;
            }
            labels[n] = label;
            scores[n] = score(a.count());
            n++;
        }
        return new VqaTargets(java.util.Arrays.copyOf(labels, n), java.util.Arrays.copyOf(scores, n));
    }
}
