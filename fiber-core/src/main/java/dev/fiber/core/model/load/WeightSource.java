package dev.fiber.core.model.load;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the tensors of a FIBER state dict come from, by state-dict key: an official checkpoint
 * (Lightning {@code .ckpt} via the torch-format reader) or an {@code .npz} dump with the same keys.
 * Values are read on demand, one tensor at a time.
 */
public interface WeightSource extends AutoCloseable {

    /** @return the stored training config ({@code hyper_parameters.config}), or an empty map */
    Map<String, Object> config();

    /** @return every state-dict key with its shape, in stored order */
    LinkedHashMap<String, long[]> shapes();

    /**
     * @param key a state-dict key
     * @return whether the tensor has a floating dtype
     */
    boolean isFloating(String key);

    /**
     * @param key a floating state-dict key
     * @return its values as float32, C order
     * @throws IOException if the data cannot be read
     */
    float[] readFloats(String key) throws IOException;

    /**
     * @param key an integer/bool state-dict key
     * @return its values as int64, C order
     * @throws IOException if the data cannot be read
     */
    long[] readLongs(String key) throws IOException;

    /** @return a human-readable description of the source (its path) for messages */
    String describe();

    @Override
    void close();
}
