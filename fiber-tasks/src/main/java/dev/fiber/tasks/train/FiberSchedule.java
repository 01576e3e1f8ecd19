package dev.fiber.tasks.train;

/**
 * The schedule part of FIBER's {@code fiber_utils.set_schedule}: total steps, warmup resolution and the
 * choice between {@link PolynomialDecayWithWarmup} and {@link CosineWithWarmup}.
 */
public final class FiberSchedule {

    private FiberSchedule() {}

    /**
     * The total number of optimizer steps: the trainer's {@code max_steps} when set, else
     * {@code len(train_dataloader) * max_epochs // accumulate_grad_batches} (floor division).
     *
     * @param maxSteps              the configured {@code max_steps}, or {@code null} (FIBER's fine-tuning tasks)
     * @param trainLoaderLength     number of batches per epoch (per process)
     * @param maxEpochs             number of epochs
     * @param accumulateGradBatches gradient accumulation factor (≥ 1)
     * @return the number of optimizer steps
     */
    public static long maxSteps(Long maxSteps, long trainLoaderLength, long maxEpochs, long accumulateGradBatches) {
        if (maxSteps != null) {
            return maxSteps;
        }
        if (accumulateGradBatches < 1) {
            throw new IllegalArgumentException("accumulate_grad_batches must be >= 1, got " + accumulateGradBatches);
        }
        return Math.floorDiv(trainLoaderLength * maxEpochs, accumulateGradBatches);
    }

    /**
     * Builds the schedule {@code set_schedule} builds.
     *
     * @param config   the optimiser settings
     * @param maxSteps the total number of optimizer steps (see {@link #maxSteps})
     * @return the schedule
     */
    public static LrSchedule create(OptimConfig config, long maxSteps) {
        long warmup = config.warmup().resolve(maxSteps);
        if (config.decayPower().cosine()) {
            return new CosineWithWarmup(warmup, maxSteps);
        }
        return new PolynomialDecayWithWarmup(warmup, maxSteps, config.learningRate(), config.endLr(),
                config.decayPower().power());
    }
}
