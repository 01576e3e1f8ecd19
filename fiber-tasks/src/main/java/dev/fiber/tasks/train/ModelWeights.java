package dev.fiber.tasks.train;

import ai.djl.ndarray.NDArray;
import dev.fiber.core.checkpoint.SafeTensors;
import dev.fiber.core.checkpoint.TensorRef;
import dev.fiber.core.model.BufferSpec;
import dev.fiber.core.model.FiberModel;
import dev.fiber.core.model.ParamSlot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Saves a {@link FiberModel}'s weights as a safetensors file with the official state-dict key names
 * (parameters and the recomputed buffers {@code relative_position_index}, {@code attn_mask},
 * {@code position_ids}), so the file loads into the official {@code FIBERTransformerSS} (after
 * {@code safetensors.torch.load_file}) as well as back into this port ({@link FiberModel#load}, which
 * reads the {@code config} metadata entry). {@code rank_output} is written as a copy of row 1 of
 * {@code itm_score.fc}, the view the official constructor makes of it. Also restores saved weights into a
 * live model (training resume).
 */
public final class ModelWeights {

    /** Metadata key holding the model configuration as JSON ({@link dev.fiber.core.config.FiberConfig#toJson()}). */
    public static final String CONFIG_KEY = "config";

    private ModelWeights() {}

    /**
     * @param model    the model
     * @param file     the safetensors file to write (atomically replaced)
     * @param metadata extra string metadata (may be empty)
     * @throws IOException if writing fails
     */
    public static void save(FiberModel model, Path file, Map<String, String> metadata) throws IOException {
        LinkedHashMap<String, SafeTensors.Entry> tensors = new LinkedHashMap<>();
        Map<String, ParamSlot> params = model.block().stateDictParameters();
        for (Map.Entry<String, ParamSlot> e : params.entrySet()) {
            NDArray a = e.getValue().parameter().getArray();
            tensors.put(e.getKey(), SafeTensors.Entry.of(a.toFloatArray(), a.getShape().getShape()));
        }
        tieRankOutput(params, tensors);
        for (Map.Entry<String, BufferSpec> e : model.block().stateDictBuffers().entrySet()) {
            BufferSpec b = e.getValue();
            Object v = b.values().get();
            long[] shape = b.shape().getShape();
            tensors.put(e.getKey(), v instanceof long[] l ? SafeTensors.Entry.of(l, shape) : SafeTensors.Entry.of((float[]) v, shape));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put(CONFIG_KEY, model.config().toJson());
        if (metadata != null) {
            meta.putAll(metadata);
        }
        SafeTensors.write(file, tensors, meta);
    }

    private static void tieRankOutput(Map<String, ParamSlot> params, Map<String, SafeTensors.Entry> tensors) {
        if (!params.containsKey("rank_output.weight") || !params.containsKey("itm_score.fc.weight")) {
            return;
        }
        float[] w = params.get("itm_score.fc.weight").parameter().getArray().toFloatArray();
        float[] b = params.get("itm_score.fc.bias").parameter().getArray().toFloatArray();
        int cols = w.length / 2;
        tensors.put("rank_output.weight", SafeTensors.Entry.of(Arrays.copyOfRange(w, cols, 2 * cols), 1, cols));
        tensors.put("rank_output.bias", SafeTensors.Entry.of(new float[] {b[1]}, 1));
    }

    /**
     * Overwrites the parameters of a live model with the values of a file written by {@link #save} (shapes
     * must match exactly; gradient tracking is kept).
     *
     * @param model the model
     * @param file  the safetensors file
     * @throws IOException if the file cannot be read or does not match the model
     */
    public static void restore(FiberModel model, Path file) throws IOException {
        try (SafeTensors st = SafeTensors.open(file)) {
            Map<String, TensorRef> tensors = st.tensors();
            try (NoGrad ng = NoGrad.enter()) {
                for (Map.Entry<String, ParamSlot> e : model.block().stateDictParameters().entrySet()) {
                    TensorRef t = tensors.get(e.getKey());
                    if (t == null) {
                        throw new IOException(file + " has no tensor " + e.getKey());
                    }
                    if (!Arrays.equals(t.shape(), e.getValue().shape().getShape())) {
                        throw new IOException(file + ": " + e.getKey() + " has shape " + Arrays.toString(t.shape()) + ", the model "
                                + e.getValue().shape());
                    }
                    e.getValue().parameter().getArray().set(t.readFloats());
                }
            }
        }
    }
}
