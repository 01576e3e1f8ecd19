package dev.fiber.tasks.data;

import java.util.List;

/**
 * Turns loaded samples into one batch (PyTorch's {@code collate_fn}). Runs on a loader worker thread,
 * so it should build plain Java arrays; the conversion to {@code NDArray}s happens on the consuming
 * thread, in its {@code NDManager} (see the batch records, e.g. {@link ImageTextBatch}).
 *
 * @param <T> sample type
 * @param <B> batch type
 */
@FunctionalInterface
public interface Collator<T, B> {

    /**
     * @param samples the batch's samples, in batch order (at least one)
     * @return the batch
     */
    B collate(List<T> samples);
}
