package dev.fiber.tasks.grounding.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.fiber.core.io.Npy;
import dev.fiber.core.io.NpyArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Set;

/** A state dict stored as an {@code .npz} archive, one entry per state-dict key (a development dump). */
public final class NpzWeightSource implements WeightSource {

    private final Path path;
    private final Map<String, NpyArray> arrays;

    private NpzWeightSource(Path path, Map<String, NpyArray> arrays) {
        this.path = path;
        this.arrays = arrays;
    }

    /**
     * Reads the archive index and data into memory.
     *
     * @param path the {@code .npz} file
     * @return the source
     * @throws IOException if the file cannot be read
     */
    public static NpzWeightSource open(Path path) throws IOException {
        return new NpzWeightSource(path, Npy.readNpz(path));
    }

    @Override
    public Set<String> keys() {
        return Collections.unmodifiableSet(arrays.keySet());
    }

    @Override
    public long[] shape(String key) {
        return entry(key).shape().clone();
    }

    @Override
    public NDArray load(String key, NDManager manager) {
        NpyArray a = entry(key);
        if (a.kind() == 'f') {
            return manager.create(a.toFloatArray(), a.djlShape());
        }
        return manager.create(a.toLongArray(), a.djlShape());
    }

    private NpyArray entry(String key) {
        NpyArray a = arrays.get(key);
        if (a == null) {
            throw new IllegalArgumentException("no tensor " + key + " in " + path);
        }
        return a;
    }

    @Override
    public String describe() {
        return path.toString();
    }

    @Override
    public void close() {
        // everything is in memory
    }
}
