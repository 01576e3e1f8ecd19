package dev.fiber.tasks.data;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Batches a {@link SampleSource} with parallel loading, like PyTorch's {@code DataLoader}, but
 * reproducible: for a given seed and epoch the batches, their order and every sample's augmentation
 * are the same whatever the number of workers or the thread timing.
 *
 * <ul>
 *   <li>order: the dataset order, or (shuffle) a Fisher-Yates permutation drawn from
 *       {@link SampleSeeds#forEpoch}(seed, epoch);</li>
 *   <li>randomness: sample {@code i} is loaded with {@link SampleSeeds#forSample}(seed, epoch, i);</li>
 *   <li>parallelism: each worker builds whole batches (load + collate); at most
 *       {@link LoaderConfig#prefetch()} batches are in flight or waiting, and they are handed out in
 *       order;</li>
 *   <li>failures: the first failing sample of the next batch is rethrown from
 *       {@link BatchIterator#next()} as a {@link SampleLoadException} naming it.</li>
 * </ul>
 *
 * <p>Each {@link #epoch(int)} call returns an independent {@link BatchIterator} with its own threads;
 * close it (try-with-resources) if it is not iterated to the end.
 *
 * @param <T> sample type
 * @param <B> batch type
 */
public final class DataLoader<T, B> {

    private final SampleSource<T> source;
    private final Collator<T, B> collator;
    private final LoaderConfig config;

    /**
     * @param source   the dataset
     * @param collator builds a batch from its samples (on a worker thread)
     * @param config   batching, shuffling, threads and seed
     */
    public DataLoader(SampleSource<T> source, Collator<T, B> collator, LoaderConfig config) {
        this.source = Objects.requireNonNull(source, "source");
        this.collator = Objects.requireNonNull(collator, "collator");
        this.config = Objects.requireNonNull(config, "config");
    }

    /** @return the configuration */
    public LoaderConfig config() {
        return config;
    }

    /** @return the dataset */
    public SampleSource<T> source() {
        return source;
    }

    /** @return batches per epoch ({@code ceil(n / batch)}, or {@code floor} with drop-last) */
    public int batchesPerEpoch() {
        int n = source.size();
        int b = config.batchSize();
        return config.dropLast() ? n / b : (n + b - 1) / b;
    }

    /**
     * The sample indices of an epoch in visiting order (before cutting into batches).
     *
     * @param epoch epoch number
     * @return a permutation of {@code 0 .. size-1} (the identity without shuffling)
     */
    public int[] order(int epoch) {
        int n = source.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (config.shuffle()) {
            SplittableRandom rng = SampleSeeds.forEpoch(config.seed(), epoch);
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return order;
    }

    /**
     * Starts an epoch.
     *
     * @param epoch epoch number (selects the order and the augmentation streams)
     * @return an iterator over the epoch's batches; close it to stop its workers early
     */
    public BatchIterator<B> epoch(int epoch) {
        return new BatchIterator<>(source, collator, config, epoch, order(epoch), batchesPerEpoch());
    }
}
