package dev.fiber.tasks.objectives;

import java.util.SplittableRandom;

/**
 * Draws one index from unnormalised non-negative weights: the {@code torch.multinomial(weights, 1)} call
 * with which FIBER's {@code compute_itc} picks a hard negative for every image and every text.
 */
@FunctionalInterface
public interface NegativeSampler {

    /**
     * @param weights non-negative weights of the candidates (at least one positive)
     * @return the drawn candidate index in {@code [0, weights.length)}
     */
    int sample(float[] weights);

    /**
     * A reproducible sampler: inverse-CDF sampling (double-precision cumulative sums) driven by a
     * {@link SplittableRandom} with the given seed. The draws follow the same distribution as
     * {@code torch.multinomial} but not the same random stream.
     *
     * @param seed the seed
     * @return a new sampler (not thread-safe)
     */
    static NegativeSampler seeded(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return weights -> {
            double total = 0;
            for (float w : weights) {
                if (!(w >= 0) || Float.isInfinite(w)) {
                    throw new IllegalArgumentException("negative sampling weights must be finite and >= 0, got " + w);
                }
                total += w;
            }
            if (!(total > 0)) {
                throw new IllegalArgumentException("negative sampling weights sum to " + total);
            }
            double u = rng.nextDouble() * total;
            double acc = 0;
            int last = -1;
            for (int i = 0; i < weights.length; i++) {
                if (weights[i] > 0) {
                    acc += weights[i];
                    last = i;
                    if (u < acc) {
                        return i;
                    }
                }
            }
            return last;
        };
    }
}
