package dev.fiber.tasks.data;

import java.util.SplittableRandom;

/**
 * Derives independent, reproducible random streams for training data: one per (seed, epoch,
 * sample index) for augmentation, one per (seed, epoch) for the shuffling order.
 *
 * <p>PyTorch's DataLoader seeds each worker from a base seed, so which random numbers a sample gets
 * depends on the worker that happens to load it. Here the stream depends only on
 * {@code (seed, epoch, index)}: the same sample is augmented identically whatever the number of
 * worker threads, the batch size or the timing. The generator is {@link SplittableRandom} (SplitMix64);
 * the values are not those of Python's generators, the distributions are.
 */
public final class SampleSeeds {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private SampleSeeds() {}

    /**
     * @param seed  run seed
     * @param epoch epoch number
     * @param index sample index in the dataset (not its position in the shuffled order)
     * @return a fresh generator for that sample
     */
    public static SplittableRandom forSample(long seed, long epoch, long index) {
        return new SplittableRandom(mix(mix(mix(seed) + GOLDEN * (epoch + 1)) + GOLDEN * (index + 1) + 0x5851F42D4C957F2DL));
    }

    /**
     * @param seed  run seed
     * @param epoch epoch number
     * @return a fresh generator for the epoch's shuffling order (independent of every sample stream)
     */
    public static SplittableRandom forEpoch(long seed, long epoch) {
        return new SplittableRandom(mix(mix(seed ^ 0xD1B54A32D192ED03L) + GOLDEN * (epoch + 1)));
    }

    /**
     * @param seed  run seed
     * @param index item index
     * @return a fresh generator for item {@code index} of a generated data set (no epoch)
     */
    public static SplittableRandom forItem(long seed, long index) {
        return new SplittableRandom(mix(mix(seed ^ 0x2545F4914F6CDD1DL) + GOLDEN * (index + 1)));
    }

    /** SplitMix64's finaliser (Stafford variant 13): a bijective 64-bit mix. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
