package dev.fiber.tasks.data.augment;

import dev.fiber.core.image.RgbImage;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * ALBEF's {@code RandomAugment(N, M, isPIL=True, augs=[...])} as configured by FIBER's
 * {@code albef_transform_randaug}: draw {@code N} ops uniformly <em>with replacement</em> from the
 * list ({@code np.random.choice(augs, N)}), then for each in turn skip it when a uniform draw is
 * {@code > 0.5}, else draw its arguments and apply it at level {@code M}.
 *
 * <p>Randomness comes from the caller's {@link RandomGenerator}, in the official order of draws;
 * values are not those of numpy's generator but follow the same distributions. Immutable and
 * thread-safe.
 *
 * @param numOps    {@code N}, ops drawn per image (FIBER: 2)
 * @param magnitude {@code M}, level 0..10 (FIBER: 7)
 * @param ops       the op list to draw from, not empty
 * @param fidelity  numeric behaviour of AutoContrast and Sharpness
 */
public record RandomAugment(int numOps, int magnitude, List<RandAugOp> ops, AugmentFidelity fidelity) {

    /** FIBER's op list, in the order of {@code fiber/transforms/transform.py}. */
    public static final List<RandAugOp> FIBER_OPS = List.of(
            RandAugOp.IDENTITY, RandAugOp.AUTO_CONTRAST, RandAugOp.EQUALIZE, RandAugOp.BRIGHTNESS,
            RandAugOp.SHARPNESS, RandAugOp.SHEAR_X, RandAugOp.SHEAR_Y, RandAugOp.TRANSLATE_X,
            RandAugOp.TRANSLATE_Y, RandAugOp.ROTATE);

    /** The probability with which each drawn op is applied ({@code 0.5} in {@code get_random_ops}). */
    public static final double OP_PROBABILITY = 0.5;

    /** Validates and copies the op list. */
    public RandomAugment {
        Objects.requireNonNull(ops, "ops");
        Objects.requireNonNull(fidelity, "fidelity");
        if (numOps < 0) {
            throw new IllegalArgumentException("numOps must be >= 0, got " + numOps);
        }
        if (magnitude < 0 || magnitude > RandAugOp.MAX_LEVEL) {
            throw new IllegalArgumentException("magnitude must be 0.." + RandAugOp.MAX_LEVEL + ", got " + magnitude);
        }
        if (ops.isEmpty()) {
            throw new IllegalArgumentException("the op list is empty");
        }
        ops = List.copyOf(ops);
    }

    /**
     * FIBER's configuration: {@code RandomAugment(2, 7, isPIL=True, augs=FIBER_OPS)}.
     *
     * @param fidelity numeric behaviour of AutoContrast and Sharpness
     * @return the augmenter
     */
    public static RandomAugment fiber(AugmentFidelity fidelity) {
        return new RandomAugment(2, 7, FIBER_OPS, fidelity);
    }

    /**
     * Draws the ops to try (the first {@code numOps} draws of {@link #apply}).
     *
     * @param rng random source
     * @return {@code numOps} ops, possibly repeated
     */
    public RandAugOp[] sampleOps(RandomGenerator rng) {
        RandAugOp[] chosen = new RandAugOp[numOps];
        for (int i = 0; i < numOps; i++) {
            chosen[i] = ops.get(rng.nextInt(ops.size()));
        }
        return chosen;
    }

    /**
     * Augments one image.
     *
     * @param image the image
     * @param rng   random source (consumed: {@code numOps} op draws, then per op one probability draw
     *     and, for applied geometric ops, one sign draw)
     * @return the augmented image
     */
    public RgbImage apply(RgbImage image, RandomGenerator rng) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(rng, "rng");
        RgbImage out = image;
        for (RandAugOp op : sampleOps(rng)) {
            if (rng.nextDouble() > OP_PROBABILITY) {
                continue;
            }
            out = op.apply(out, magnitude, rng, fidelity);
        }
        return out;
    }
}
