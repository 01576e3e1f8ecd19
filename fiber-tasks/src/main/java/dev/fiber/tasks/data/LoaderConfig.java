package dev.fiber.tasks.data;

/**
 * Settings of a {@link DataLoader}, mirroring PyTorch's {@code DataLoader(batch_size, shuffle,
 * drop_last, num_workers, prefetch)} plus the seed that makes shuffling and augmentation reproducible.
 *
 * @param batchSize samples per batch, &ge; 1
 * @param shuffle   whether each epoch visits the samples in a seeded random order
 * @param dropLast  whether to drop a last, incomplete batch
 * @param workers   worker threads; 0 loads on the calling thread
 * @param prefetch  batches loaded ahead (in flight or ready), &ge; 1; bounds the memory used
 * @param seed      seed of the shuffling order and of every sample's augmentation stream
 */
public record LoaderConfig(int batchSize, boolean shuffle, boolean dropLast, int workers, int prefetch, long seed) {

    /** Validates the settings. */
    public LoaderConfig {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (workers < 0) {
            throw new IllegalArgumentException("workers must be >= 0, got " + workers);
        }
        if (prefetch < 1) {
            throw new IllegalArgumentException("prefetch must be >= 1, got " + prefetch);
        }
    }

    /**
     * Training defaults: shuffled, last batch kept (PyTorch's default), {@code min(4, cores)} workers,
     * two batches prefetched per worker.
     *
     * @param batchSize samples per batch
     * @param seed      run seed
     * @return the configuration
     */
    public static LoaderConfig training(int batchSize, long seed) {
        int workers = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        return new LoaderConfig(batchSize, true, false, workers, 2 * workers, seed);
    }

    /**
     * Evaluation defaults: dataset order, every sample, {@code min(4, cores)} workers.
     *
     * @param batchSize samples per batch
     * @return the configuration (seed 0; evaluation transforms draw no randomness)
     */
    public static LoaderConfig evaluation(int batchSize) {
        int workers = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        return new LoaderConfig(batchSize, false, false, workers, 2 * workers, 0);
    }

    /**
     * @param n worker threads
     * @return a copy with {@code n} workers and a prefetch of at least {@code max(1, 2n)}
     */
    public LoaderConfig withWorkers(int n) {
        return new LoaderConfig(batchSize, shuffle, dropLast, n, Math.max(prefetch, Math.max(1, 2 * n)), seed);
    }
}
