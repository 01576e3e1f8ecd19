package dev.fiber.core.model.load;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fiber.core.model.BufferSpec;
import dev.fiber.core.model.ParamSlot;
import dev.fiber.core.model.StateDictBlock;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads an official FIBER state dict into a {@link StateDictBlock} tree by name (the block tree's
 * dotted names are the state-dict keys), like PyTorch's {@code load_state_dict} after FIBER's own
 * preprocessing: the ITC queue buffers are skipped unread (official {@code state_dict.pop}), and
 * relative-position tables of another window size are resized by
 * {@link SwinPositionAdapt#resizeRelativePositionTable} (official {@code swin_adapt_position_encoding},
 * which also drops the stored index/mask buffers then). Recomputed buffers present in the
 * checkpoint are compared with the recomputed values.
 */
public final class StateDictLoader {

    /** The ITC queue buffers of pre-training checkpoints, ignored like the official loader does. */
    public static final List<String> ITC_QUEUE_KEYS = List.of(
            "image_queue", "text_queue", "queue_ptr", "queue_total", "image_input_queue", "text_input_queue", "text_input_mask_queue");

    private static final String TABLE_SUFFIX = ".relative_position_bias_table";

    private StateDictLoader() {}

    /**
     * @param model the architecture (parameters not yet set)
     * @param source the tensors
     * @param manager owner of the parameter arrays (its device is used)
     * @param dataType float32 or float16
     * @param strict whether missing / unexpected keys are an error
     * @return what was loaded
     * @throws ModelLoadException on shape mismatches, disagreeing buffers, or (strict) missing /
     *     unexpected keys
     * @throws IOException if reading the source fails
     */
    public static LoadReport load(StateDictBlock model, WeightSource source, NDManager manager, DataType dataType, boolean strict)
            throws IOException {
        LinkedHashMap<String, ParamSlot> params = model.stateDictParameters();
        LinkedHashMap<String, BufferSpec> buffers = model.stateDictBuffers();
        LinkedHashMap<String, long[]> shapes = source.shapes();
        boolean windowChanged = false;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            ParamSlot slot = params.get(e.getKey());
            if (e.getKey().endsWith(TABLE_SUFFIX) && slot != null && !Arrays.equals(e.getValue(), slot.shape().getShape())) {
                windowChanged = true;
            }
        }
        List<String> loaded = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<String> resized = new ArrayList<>();
        List<String> checked = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            String key = e.getKey();
            long[] shape = e.getValue();
            if (ITC_QUEUE_KEYS.contains(key)) {
                skipped.add(key);
                continue;
            }
            ParamSlot slot = params.get(key);
            if (slot != null) {
                if (!source.isFloating(key)) {
                    errors.add(key + ": stored as an integer tensor, expected floating point");
                    continue;
                }
                float[] values = source.readFloats(key);
                Shape target = slot.shape();
                if (!Arrays.equals(shape, target.getShape())) {
                    if (key.endsWith(TABLE_SUFFIX) && resizable(shape, target)) {
                        values = SwinPositionAdapt.resizeRelativePositionTable(values, (int) shape[1], window(shape[0]), window(target.get(0)));
                        resized.add(key);
                    } else {
                        errors.add(key + ": checkpoint shape " + Arrays.toString(shape) + " != model shape " + target);
                        continue;
                    }
                }
                slot.parameter().setArray(toArray(manager, values, target, dataType));
                loaded.add(key);
                continue;
            }
            BufferSpec spec = buffers.get(key);
            if (spec != null) {
                if (windowChanged && (key.endsWith(".relative_position_index") || key.endsWith(".attn_mask"))) {
                    skipped.add(key); // dropped by swin_adapt_position_encoding; recomputed for the new window
                    continue;
                }
                String problem = compareBuffer(source, key, shape, spec);
                if (problem == null) {
                    checked.add(key);
                } else {
                    errors.add(problem);
                }
                continue;
            }
            unexpected.add(key);
        }
        List<String> missing = new ArrayList<>();
        java.util.Set<String> loadedSet = new java.util.HashSet<>(loaded);
        for (String k : params.keySet()) {
            if (!loadedSet.contains(k)) {
                missing.add(k);
            }
        }
        if (!errors.isEmpty()) {
            throw new ModelLoadException("checkpoint " + source.describe() + " does not fit the FIBER architecture"
                    + ModelLoadException.list("errors", errors));
        }
        if (strict && (!missing.isEmpty() || !unexpected.isEmpty())) {
            throw new ModelLoadException("strict loading of " + source.describe() + " failed"
                    + ModelLoadException.list("missing keys", missing) + ModelLoadException.list("unexpected keys", unexpected));
        }
        for (String k : missing) {
            ParamSlot slot = params.get(k);
            slot.parameter().setArray(slot.init().create(manager, slot.shape(), dataType));
        }
        return new LoadReport(source.describe(), loaded, missing, unexpected, skipped, resized, checked);
    }

    private static NDArray toArray(NDManager manager, float[] values, Shape shape, DataType dataType) {
        NDArray a = manager.create(values, shape);
        if (dataType == DataType.FLOAT32) {
            return a;
        }
        NDArray c = a.toType(dataType, false);
        a.close();
        return c;
    }

    private static boolean resizable(long[] stored, Shape target) {
        return stored.length == 2 && target.dimension() == 2 && stored[1] == target.get(1) && window(stored[0]) > 0 && window(target.get(0)) > 0;
    }

    /** @return w such that rows = (2w-1)^2, or -1 */
    private static int window(long rows) {
        long side = Math.round(Math.sqrt((double) rows));
        if (side * side != rows || side % 2 == 0) {
            return -1;
        }
        return (int) ((side + 1) / 2);
    }

    private static String compareBuffer(WeightSource source, String key, long[] shape, BufferSpec spec) throws IOException {
        if (!Arrays.equals(shape, spec.shape().getShape())) {
            return key + ": stored buffer shape " + Arrays.toString(shape) + " != recomputed " + spec.shape();
        }
        Object expected = spec.values().get();
        if (spec.integer()) {
            if (source.isFloating(key)) {
                return key + ": stored buffer is floating, expected int64";
            }
            if (!Arrays.equals(source.readLongs(key), (long[]) expected)) {
                return key + ": stored buffer values differ from the recomputed ones";
            }
        } else {
            if (!source.isFloating(key)) {
                return key + ": stored buffer is integer, expected float";
            }
            if (!Arrays.equals(source.readFloats(key), (float[]) expected)) {
                return key + ": stored buffer values differ from the recomputed ones";
            }
        }
        return null;
    }
}
