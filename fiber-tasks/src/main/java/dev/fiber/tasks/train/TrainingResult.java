package dev.fiber.tasks.train;

import java.util.List;

/**
 * The outcome of {@link Trainer#run()}.
 *
 * @param steps      optimizer steps done in total (including resumed ones)
 * @param samples    training samples seen in total
 * @param seconds    wall-clock training time in total (evaluations excluded)
 * @param stoppedBy  why training ended: {@code "max_steps"}, {@code "max_epoch"} or {@code "time_limit"}
 * @param history    every evaluation
 */
public record TrainingResult(long steps, long samples, double seconds, String stoppedBy, List<EvalRecord> history) {

    /** Copies the history. */
    public TrainingResult {
        history = List.copyOf(history);
    }
}
