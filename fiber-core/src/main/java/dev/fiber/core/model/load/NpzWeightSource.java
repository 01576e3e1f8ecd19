package dev.fiber.core.model.load;

import dev.fiber.core.io.Npy;
import dev.fiber.core.io.NpyArray;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A state dict stored as an {@code .npz} archive whose entry names are the state-dict keys (as
 * {@code numpy.savez(**state_dict)} writes it). It carries no config; pass one if the tensor
 * shapes do not determine the architecture (e.g. the text head count).
 */
public final class NpzWeightSource implements WeightSource {

    private final Path path;
    private final Map<String, NpyArray> arrays;
    private final Map<String, Object> config;

    /**
     * @param path the {@code .npz} file
     * @param config the training config dict to report, or {@code null}
     * @throws IOException if the archive cannot be read
     */
    public NpzWeightSource(Path path, Map<String, Object> config) throws IOException {
        this.path = path;
        this.arrays = Npy.readNpz(path);
        this.config = config == null ? Map.of() : config;
    }

    @Override
    public Map<String, Object> config() {
        return config;
    }

    @Override
    public LinkedHashMap<String, long[]> shapes() {
        LinkedHashMap<String, long[]> out = new LinkedHashMap<>();
        arrays.forEach((k, v) -> out.put(k, v.shape().clone()));
        return out;
    }

    @Override
    public boolean isFloating(String key) {
        return get(key).kind() == 'f';
    }

    @Override
    public float[] readFloats(String key) {
        return get(key).toFloatArray();
    }

    @Override
    public long[] readLongs(String key) {
        return get(key).toLongArray();
    }

    private NpyArray get(String key) {
        NpyArray a = arrays.get(key);
        if (a == null) {
            throw new IllegalArgumentException(path + " has no tensor '" + key + "'");
        }
        return a;
    }

    @Override
    public String describe() {
        return path.toString();
    }

    @Override
    public void close() {}
}
