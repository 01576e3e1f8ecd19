package dev.fiber.tasks.train;

import java.util.Map;

/**
 * One evaluation during training, for the learning curve.
 *
 * @param step    optimizer steps done
 * @param epoch   epoch (0-based) during or after which it ran
 * @param samples training samples seen
 * @param seconds wall-clock training time so far (evaluation time excluded)
 * @param trainLoss mean training loss since the previous evaluation
 * @param metrics the evaluator's metrics
 */
public record EvalRecord(long step, int epoch, long samples, double seconds, double trainLoss, Map<String, Double> metrics) {

    /** Copies the metrics. */
    public EvalRecord {
        metrics = Map.copyOf(metrics);
    }
}
