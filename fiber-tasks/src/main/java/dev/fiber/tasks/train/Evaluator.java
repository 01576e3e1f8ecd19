package dev.fiber.tasks.train;

import dev.fiber.core.model.FiberModel;
import java.util.Map;

/**
 * Validation of a model during fine-tuning (the {@code validation_step} / {@code epoch_wrapup} metrics of
 * the official code, e.g. the VQA score or the NLVR2 accuracy), run in inference mode.
 */
@FunctionalInterface
public interface Evaluator {

    /**
     * @param model the model being trained (evaluate without gradient, without dropout)
     * @return metric name to value, in a stable order; the trainer's main metric must be among them
     * @throws Exception if the evaluation data cannot be read
     */
    Map<String, Double> evaluate(FiberModel model) throws Exception;
}
