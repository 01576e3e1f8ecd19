package dev.fiber.tasks.grounding.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.fiber.core.checkpoint.CheckpointException;
import dev.fiber.core.checkpoint.TensorRef;
import dev.fiber.core.checkpoint.TorchCheckpoint;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Set;

/**
 * A state dict of a {@code torch.save} file read by {@link TorchCheckpoint}: an official fine-grained
 * training dump ({@code {"model": ..., "model_ema": ...}}) or any file holding a dict of tensors. Tensor data
 * is read on demand.
 */
public final class TorchCheckpointWeightSource implements WeightSource {

    private final TorchCheckpoint checkpoint;
    private final LinkedHashMap<String, TensorRef> tensors;
    private final String description;

    private TorchCheckpointWeightSource(TorchCheckpoint checkpoint, LinkedHashMap<String, TensorRef> tensors,
            String description) {
        this.checkpoint = checkpoint;
        this.tensors = tensors;
        this.description = description;
    }

    /**
     * Opens one state dict of a checkpoint.
     *
     * @param path the {@code .pth} / {@code .pt} / {@code .ckpt} file
     * @param topKey the top-level entry to read ({@code "model"} or {@code "model_ema"} for FIBER's dumps);
     *     {@code "model"} falls back to the checkpoint's state dict ({@link TorchCheckpoint#stateDict()}) when
     *     the file has no such entry
     * @return the source (close it to close the file)
     * @throws CheckpointException if the file cannot be read
     * @throws IllegalArgumentException if the file has no such entry
     */
    public static TorchCheckpointWeightSource open(Path path, String topKey) throws CheckpointException {
        TorchCheckpoint ckpt = TorchCheckpoint.open(path);
        try {
            LinkedHashMap<String, TensorRef> sd;
            if (ckpt.root() instanceof java.util.Map<?, ?> m && m.get(topKey) instanceof java.util.Map) {
                sd = ckpt.stateDict(topKey);
            } else if ("model".equals(topKey)) {
                sd = ckpt.stateDict();
            } else {
                sd = ckpt.stateDict(topKey);
            }
            return new TorchCheckpointWeightSource(ckpt, sd, path + " [" + topKey + "]");
        } catch (RuntimeException e) {
            ckpt.close();
            throw e;
        }
    }

    @Override
    public Set<String> keys() {
        return Collections.unmodifiableSet(tensors.keySet());
    }

    @Override
    public long[] shape(String key) {
        return ref(key).shape().clone();
    }

    @Override
    public NDArray load(String key, NDManager manager) throws CheckpointException {
        TensorRef t = ref(key);
        if (t.dtype().isFloatingPoint()) {
            return t.toNDArray(manager);
        }
        return manager.create(t.readLongs(), t.djlShape());
    }

    private TensorRef ref(String key) {
        TensorRef t = tensors.get(key);
        if (t == null) {
            throw new IllegalArgumentException("no tensor " + key + " in " + description);
        }
        return t;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        checkpoint.close();
    }
}
