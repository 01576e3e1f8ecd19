package dev.fiber.tasks.grounding.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.io.IOException;
import java.util.Set;

/**
 * A read-only view of a state dict: tensor names with shapes, and their values on demand.
 *
 * <p>The one place where the model touches checkpoint storage, so that the backing format (an official
 * {@code .pth} read by {@code TorchCheckpoint}, or an {@code .npz} dump) can change without touching the
 * model. Keys are as stored (official training dumps prefix every key with {@code module.}).
 */
public interface WeightSource extends AutoCloseable {

    /** @return all tensor keys, in checkpoint order */
    Set<String> keys();

    /**
     * @param key a key of {@link #keys()}
     * @return the tensor's shape
     * @throws IllegalArgumentException if the key is absent
     */
    long[] shape(String key);

    /**
     * Reads a tensor.
     *
     * @param key a key of {@link #keys()}
     * @param manager owner of the new array
     * @return floating tensors as float32, integer tensors as int64
     * @throws IOException if the data cannot be read
     * @throws IllegalArgumentException if the key is absent
     */
    NDArray load(String key, NDManager manager) throws IOException;

    /** A human-readable description of the source (file name), for messages. */
    String describe();

    @Override
    void close();
}
