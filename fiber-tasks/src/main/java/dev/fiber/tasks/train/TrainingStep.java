package dev.fiber.tasks.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.fiber.core.model.ForwardContext;

/**
 * The training loss of one batch: FIBER's {@code training_step}, the sum of the enabled objectives'
 * losses ({@code sum(v for k, v in output.items() if "loss" in k)}).
 *
 * @param <B> batch type
 */
@FunctionalInterface
public interface TrainingStep<B> {

    /**
     * Runs the forward pass(es) and returns the loss; called inside the gradient collector.
     *
     * @param ctx     training-mode forward context
     * @param batch   the batch
     * @param manager scope for every array of this step (closed after the backward pass)
     * @return the 0-d differentiable loss
     */
    NDArray loss(ForwardContext ctx, B batch, NDManager manager);
}
