package dev.fiber.tasks.train;

import java.util.Objects;

/**
 * The optimiser settings of FIBER's config ({@code config.py}: {@code learning_rate}, {@code weight_decay},
 * {@code lr_mult_head}, {@code lr_mult_cross_modal}, {@code end_lr}, {@code decay_power},
 * {@code warmup_steps}, {@code optim_type}) that {@code fiber_utils.set_schedule} reads.
 *
 * @param learningRate     base lr ({@code learning_rate}); also the schedule's {@code lr_init}
 * @param weightDecay      decoupled weight decay of the decayed groups
 * @param lrMultHead       lr multiplier of the task heads
 * @param lrMultCrossModal lr multiplier of the cross-modal (fusion) parameters
 * @param endLr            final lr of the polynomial decay
 * @param decayPower       polynomial power, or {@link DecayPower#COSINE}
 * @param warmup           warmup steps or fraction
 * @param optimType        {@code "adamw"} (the only one FIBER's task configs use), {@code "adam"} or {@code "sgd"}
 */
public record OptimConfig(double learningRate, double weightDecay, double lrMultHead, double lrMultCrossModal,
        double endLr, DecayPower decayPower, Warmup warmup, String optimType) {

    /** Validates. */
    public OptimConfig {
        Objects.requireNonNull(decayPower, "decayPower");
        Objects.requireNonNull(warmup, "warmup");
        Objects.requireNonNull(optimType, "optimType");
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learning_rate must be > 0, got " + learningRate);
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weight_decay must be >= 0, got " + weightDecay);
        }
        if (!optimType.equals("adamw") && !optimType.equals("adam") && !optimType.equals("sgd")) {
            throw new IllegalArgumentException("optim_type must be adamw, adam or sgd, got " + optimType);
        }
    }

    /**
     * The {@code decay_power} setting: a polynomial power or the string {@code "cosine"}.
     *
     * @param cosine whether the cosine schedule is selected
     * @param power  the polynomial power (ignored for cosine)
     */
    public record DecayPower(boolean cosine, double power) {
        /** {@code decay_power = "cosine"}. */
        public static final DecayPower COSINE = new DecayPower(true, Double.NaN);

        /**
         * @param power polynomial power
         * @return the setting
         */
        public static DecayPower polynomial(double power) {
            return new DecayPower(false, power);
        }
    }

    /**
     * FIBER's defaults ({@code config.py}): lr 1e-5, weight decay 0.01, multipliers 5 and 5, end lr 0,
     * power 1, warmup 10000 steps, AdamW.
     *
     * @return the defaults
     */
    public static OptimConfig defaults() {
        return new OptimConfig(1e-5, 0.01, 5, 5, 0, DecayPower.polynomial(1), Warmup.steps(10000), "adamw");
    }

    /**
     * @param lr a learning rate
     * @return a copy with {@code learning_rate = lr}
     */
    public OptimConfig withLearningRate(double lr) {
        return new OptimConfig(lr, weightDecay, lrMultHead, lrMultCrossModal, endLr, decayPower, warmup, optimType);
    }

    /**
     * @param w a warmup
     * @return a copy with that warmup
     */
    public OptimConfig withWarmup(Warmup w) {
        return new OptimConfig(learningRate, weightDecay, lrMultHead, lrMultCrossModal, endLr, decayPower, w, optimType);
    }
}
