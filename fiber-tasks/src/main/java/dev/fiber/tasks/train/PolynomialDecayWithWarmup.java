package dev.fiber.tasks.train;

/**
 * Linear warmup then polynomial decay to {@code lrEnd}: the schedule of transformers'
 * {@code get_polynomial_decay_schedule_with_warmup} (4.6.0), which FIBER's {@code set_schedule} uses unless
 * {@code decay_power == "cosine"} (with {@code lr_end = end_lr}, {@code power = decay_power}).
 *
 * <ul>
 *   <li>{@code k < warmup}: {@code k / max(1, warmup)} (so the first step has lr 0);</li>
 *   <li>{@code k > total}: {@code lrEnd / lrInit};</li>
 *   <li>otherwise {@code ((lrInit − lrEnd) · (1 − (k − warmup)/(total − warmup))^power + lrEnd) / lrInit}.</li>
 * </ul>
 * {@code lrInit} is the optimizer's default lr (FIBER's {@code learning_rate}), not a group's lr: a head
 * group with lr multiplier 5 therefore ends at {@code 5 × lrEnd}. Computed in double precision with the
 * same operation order as the Python code, so lrs match it exactly.
 *
 * @param warmupSteps   number of warmup steps
 * @param trainingSteps total number of steps
 * @param lrInit        the optimizer's default lr
 * @param lrEnd         the final lr (must be below {@code lrInit})
 * @param power         the decay power (1 = linear)
 */
public record PolynomialDecayWithWarmup(long warmupSteps, long trainingSteps, double lrInit, double lrEnd,
        double power) implements LrSchedule {

    /** Validates (transformers asserts {@code lr_init > lr_end}). */
    public PolynomialDecayWithWarmup {
        if (!(lrInit > lrEnd)) {
            throw new IllegalArgumentException("lr_end (" + lrEnd + ") must be smaller than the initial lr ("
                    + lrInit + ")");
        }
        if (warmupSteps < 0 || trainingSteps < 0) {
            throw new IllegalArgumentException("warmup and training steps must be >= 0, got " + warmupSteps
                    + " and " + trainingSteps);
        }
    }

    @Override
    public double lambda(long step) {
        if (step < warmupSteps) {
            return (double) step / (double) Math.max(1, warmupSteps);
        } else if (step > trainingSteps) {
            return lrEnd / lrInit;
        }
        double lrRange = lrInit - lrEnd;
        long decaySteps = trainingSteps - warmupSteps;
        if (decaySteps == 0) {
            // Python would divide by zero here (step == warmup == total); the lr at the end is lrEnd.
            throw new ArithmeticException("polynomial decay over zero steps (warmup == total == " + trainingSteps
                    + ")");
        }
        double pctRemaining = 1 - (double) (step - warmupSteps) / (double) decaySteps;
        double decay = lrRange * Math.pow(pctRemaining, power) + lrEnd;
        return decay / lrInit;
    }
}
