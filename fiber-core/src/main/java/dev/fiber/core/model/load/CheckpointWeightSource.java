package dev.fiber.core.model.load;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import com.google.gson.reflect.TypeToken;
import dev.fiber.core.checkpoint.CheckpointException;
import dev.fiber.core.checkpoint.SafeTensors;
import dev.fiber.core.checkpoint.TensorRef;
import dev.fiber.core.checkpoint.TorchCheckpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The state dict of an official FIBER checkpoint read with the safe torch-format reader
 * ({@link TorchCheckpoint}: Lightning {@code .ckpt} with {@code state_dict} and
 * {@code hyper_parameters.config}), or of a {@code .safetensors} file (config taken from a
 * {@code config} metadata entry holding JSON, if any). Tensor data is read lazily, one key at a time.
 */
public final class CheckpointWeightSource implements WeightSource {

    private final AutoCloseable owner;
    private final String description;
    private final LinkedHashMap<String, TensorRef> tensors;
    private final Map<String, Object> config;

    private CheckpointWeightSource(AutoCloseable owner, String description, LinkedHashMap<String, TensorRef> tensors, Map<String, Object> config) {
        this.owner = owner;
        this.description = description;
        this.tensors = tensors;
        this.config = config;
    }

    /**
     * @param path a torch.save file (zip or legacy format) with a state dict
     * @return its weights and stored config
     * @throws CheckpointException if the file cannot be read safely
     */
    @SuppressWarnings("unchecked")
    public static CheckpointWeightSource openTorch(Path path) throws CheckpointException {
        TorchCheckpoint ckpt = TorchCheckpoint.open(path);
        try {
            Object cfg = ckpt.hyperParameters().get("config");
            Map<String, Object> config = cfg instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
            return new CheckpointWeightSource(ckpt, path.toString(), ckpt.stateDict(), config);
        } catch (RuntimeException e) {
            ckpt.close();
            throw e;
        }
    }

    /**
     * @param path a {@code .safetensors} file whose tensor names are state-dict keys
     * @return its weights (and the config of a JSON {@code config} metadata entry)
     * @throws IOException if the file cannot be read or the config metadata is not JSON
     */
    public static CheckpointWeightSource openSafetensors(Path path) throws IOException {
        SafeTensors st = SafeTensors.open(path);
        try {
            Map<String, Object> config = Map.of();
            String json = st.metadata().get("config");
            if (json != null) {
                try {
                    config = new Gson().fromJson(json, new TypeToken<LinkedHashMap<String, Object>>() {}.getType());
                } catch (JsonParseException e) {
                    throw new ModelLoadException(path + ": metadata 'config' is not JSON: " + e.getMessage(), e);
                }
            }
            return new CheckpointWeightSource(st, path.toString(), st.tensors(), config == null ? Map.of() : config);
        } catch (IOException | RuntimeException e) {
            st.close();
            throw e;
        }
    }

    @Override
    public Map<String, Object> config() {
        return config;
    }

    @Override
    public LinkedHashMap<String, long[]> shapes() {
        LinkedHashMap<String, long[]> out = new LinkedHashMap<>();
        tensors.forEach((k, t) -> out.put(k, t.shape().clone()));
        return out;
    }

    @Override
    public boolean isFloating(String key) {
        return get(key).dtype().isFloatingPoint();
    }

    @Override
    public float[] readFloats(String key) throws IOException {
        return get(key).readFloats();
    }

    @Override
    public long[] readLongs(String key) throws IOException {
        return get(key).readLongs();
    }

    private TensorRef get(String key) {
        TensorRef t = tensors.get(key);
        if (t == null) {
            throw new IllegalArgumentException(description + " has no tensor '" + key + "'");
        }
        return t;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        try {
            owner.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing " + description + " failed", e);
        }
    }
}
