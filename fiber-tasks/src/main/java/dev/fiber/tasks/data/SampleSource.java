package dev.fiber.tasks.data;

import java.util.random.RandomGenerator;

/**
 * A random-access dataset for {@link DataLoader}: the counterpart of a PyTorch map-style
 * {@code Dataset} ({@code __len__} / {@code __getitem__}). {@link #load} is called concurrently from
 * the loader's worker threads and must be thread-safe.
 *
 * @param <T> the loaded sample type
 */
public interface SampleSource<T> {

    /** @return the number of samples */
    int size();

    /**
     * Loads and preprocesses one sample.
     *
     * @param index sample index, {@code 0 <= index < size()}
     * @param rng   this sample's own random stream (derived from seed, epoch and index; see
     *     {@link SampleSeeds#forSample}), for augmentation
     * @return the sample
     * @throws Exception on any failure; the loader reports it with {@link #describe}
     */
    T load(int index, RandomGenerator rng) throws Exception;

    /**
     * @param index sample index
     * @return a human-readable identity for error messages (e.g. question id and image path)
     */
    default String describe(int index) {
        return "sample " + index;
    }
}
