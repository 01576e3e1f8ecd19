package dev.fiber.tasks.retrieval;

/**
 * FIBER's image-text matching score ({@code itm_score} on the fused {@code cls_feats}).
 *
 * @param matchProbability softmax probability of class 1 ("matches") over the two ITM logits
 * @param matchLogit logit of class 1; the official ITM recall ranks by it ({@code rank_output} is a
 *     view of this row of {@code itm_score.fc}, {@code compute_itm_recall})
 * @param noMatchLogit logit of class 0
 */
public record ItmScore(float matchProbability, float matchLogit, float noMatchLogit) {

    /**
     * @param noMatch logit of class 0
     * @param match logit of class 1
     * @return the score
     */
    public static ItmScore of(float noMatch, float match) {
        double m = Math.max(noMatch, match);
        double e0 = Math.exp(noMatch - m);
        double e1 = Math.exp(match - m);
        return new ItmScore((float) (e1 / (e0 + e1)), match, noMatch);
    }
}
