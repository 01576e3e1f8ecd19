package dev.fiber.tasks.nlvr2;

/**
 * FIBER's NLVR2 judgement ({@code nlvr2_classifier}; label 0 = False, 1 = True as in the NLVR2 data
 * and {@code compute_nlvr2}).
 *
 * @param value whether the statement is judged true (arg-max of the logits)
 * @param probabilityTrue softmax probability of label 1 (True)
 * @param logitFalse logit of label 0
 * @param logitTrue logit of label 1
 */
public record Nlvr2Prediction(boolean value, float probabilityTrue, float logitFalse, float logitTrue) {

    /**
     * @param logitFalse logit of label 0
     * @param logitTrue logit of label 1
     * @return the prediction (ties go to False, the lower label, as {@code argmax})
     */
    public static Nlvr2Prediction of(float logitFalse, float logitTrue) {
        double m = Math.max(logitFalse, logitTrue);
        double e0 = Math.exp(logitFalse - m);
        double e1 = Math.exp(logitTrue - m);
        return new Nlvr2Prediction(logitTrue > logitFalse, (float) (e1 / (e0 + e1)), logitFalse, logitTrue);
    }

    @Override
    public String toString() {
        return (value ? "True" : "False") + String.format(" (p(True) = %.4f)", probabilityTrue);
    }
}
