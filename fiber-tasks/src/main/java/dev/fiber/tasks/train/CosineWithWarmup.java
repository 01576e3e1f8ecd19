package dev.fiber.tasks.train;

/**
 * Linear warmup then a half-cosine decay to 0: transformers' {@code get_cosine_schedule_with_warmup}
 * (4.6.0), used by FIBER's {@code set_schedule} when {@code decay_power == "cosine"} (num_cycles 0.5).
 * {@code lambda(k) = k / max(1, warmup)} during warmup, then
 * {@code max(0, 0.5 · (1 + cos(π · numCycles · 2 · p)))} with {@code p = (k − warmup) / max(1, total − warmup)}
 * (for {@code k > total} it rises again, as the original does).
 *
 * @param warmupSteps   number of warmup steps
 * @param trainingSteps total number of steps
 * @param numCycles     number of cosine cycles (0.5 = decay from 1 to 0 once)
 */
public record CosineWithWarmup(long warmupSteps, long trainingSteps, double numCycles) implements LrSchedule {

    /** The default (and FIBER's) number of cycles. */
    public static final double DEFAULT_NUM_CYCLES = 0.5;

    /** Validates. */
    public CosineWithWarmup {
        if (warmupSteps < 0 || trainingSteps < 0) {
            throw new IllegalArgumentException("warmup and training steps must be >= 0, got " + warmupSteps
                    + " and " + trainingSteps);
        }
    }

    /**
     * @param warmupSteps   number of warmup steps
     * @param trainingSteps total number of steps
     */
    public CosineWithWarmup(long warmupSteps, long trainingSteps) {
        this(warmupSteps, trainingSteps, DEFAULT_NUM_CYCLES);
    }

    @Override
    public double lambda(long step) {
        if (step < warmupSteps) {
            return (double) step / (double) Math.max(1, warmupSteps);
        }
        double progress = (double) (step - warmupSteps) / (double) Math.max(1, trainingSteps - warmupSteps);
        return Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * numCycles * 2.0 * progress)));
    }
}
