package dev.fiber.tasks.train;

/**
 * The {@code warmup_steps} setting of FIBER's config, resolved as its {@code fiber_utils.set_schedule}
 * does: an integer is a number of optimizer steps used as is; a floating-point value is a fraction of the
 * total number of steps, {@code int(max_steps * fraction)} (truncated: 0.29 × 100 → 28 because
 * 0.29 × 100 = 28.999999999999996). Note that {@code 1} and {@code 1.0} differ: one step vs. all steps.
 */
public sealed interface Warmup permits Warmup.Steps, Warmup.Fraction {

    /**
     * @param maxSteps the total number of optimizer steps
     * @return the number of warmup steps
     */
    long resolve(long maxSteps);

    /**
     * A fixed number of warmup steps (a Python {@code int} in the config).
     *
     * @param steps number of steps (≥ 0)
     */
    record Steps(long steps) implements Warmup {
        /** Validates. */
        public Steps {
            if (steps < 0) {
                throw new IllegalArgumentException("warmup steps must be >= 0, got " + steps);
            }
        }

        @Override
        public long resolve(long maxSteps) {
            return steps;
        }
    }

    /**
     * A fraction of the total steps (a Python {@code float} in the config).
     *
     * @param fraction the fraction (finite, ≥ 0)
     */
    record Fraction(double fraction) implements Warmup {
        /** Validates. */
        public Fraction {
            if (!(fraction >= 0) || Double.isInfinite(fraction)) {
                throw new IllegalArgumentException("warmup fraction must be finite and >= 0, got " + fraction);
            }
        }

        @Override
        public long resolve(long maxSteps) {
            return (long) (maxSteps * fraction);
        }
    }

    /**
     * @param steps number of steps
     * @return {@link Steps}
     */
    static Warmup steps(long steps) {
        return new Steps(steps);
    }

    /**
     * @param fraction fraction of the total steps
     * @return {@link Fraction}
     */
    static Warmup fraction(double fraction) {
        return new Fraction(fraction);
    }

    /**
     * Parses a config value the way Python types it: {@code "10"} is {@link Steps}, {@code "0.1"},
     * {@code "1.0"} or {@code "1e-1"} are {@link Fraction}s.
     *
     * @param text the value as written
     * @return the warmup
     * @throws IllegalArgumentException if it is not a number
     */
    static Warmup parse(String text) {
        String t = text.trim();
        try {
            if (t.matches("[+-]?\\d+")) {
                return steps(Long.parseLong(t));
            }
            return fraction(Double.parseDouble(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("warmup_steps must be an integer or a fraction, got \"" + text + "\"");
        }
    }
}
