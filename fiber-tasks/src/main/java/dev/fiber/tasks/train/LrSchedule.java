package dev.fiber.tasks.train;

/**
 * A learning-rate multiplier per optimizer step, applied like PyTorch's {@code LambdaLR}: optimizer step
 * {@code k} (0-based; PyTorch Lightning steps the scheduler after every optimizer step) uses
 * {@code initial_lr × lambda(k)} for each parameter group's own initial lr.
 */
public interface LrSchedule {

    /**
     * @param step the 0-based optimizer step
     * @return the multiplier
     */
    double lambda(long step);

    /**
     * @param groupInitialLr a parameter group's initial lr
     * @param step           the 0-based optimizer step
     * @return the lr that step uses, computed in double precision as {@code groupInitialLr * lambda(step)}
     */
    default double lr(double groupInitialLr, long step) {
        return groupInitialLr * lambda(step);
    }

    /** @return the number of warmup steps */
    long warmupSteps();

    /** @return the number of training steps the decay is scheduled over */
    long trainingSteps();
}
