package dev.fiber.tasks.grounding;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.fiber.core.io.Npy;
import dev.fiber.core.io.NpyArray;
import dev.fiber.tasks.grounding.post.AtssPostProcessor;
import dev.fiber.tasks.grounding.post.Detections;
import dev.fiber.tasks.grounding.post.LabelTokens;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs the fine-grained model on inputs named as in the reference data ({@code src-test-data/fine/tiny_fine_cases.npz}:
 * {@code input.pixel_values}, {@code input.input_ids}, {@code input.attention_mask}, {@code input.image_size_hw},
 * {@code input.positive_map}, optionally {@code input.orig_size_hw}) and returns every intermediate and output the
 * reference names, under the same names ({@code text.layerNN}, {@code swin.stageS.blockNN}, {@code fpn.pN},
 * {@code head.*}, {@code anchors.lN}, {@code post.pre_nms.*}, {@code post.post_nms.*}, {@code det.*},
 * {@code det_sorted.*}, {@code det_sorted_orig.boxes}), so a new case can be compared key by key with the
 * official implementation's npz. The engine behind {@code fiber parity} for fine-grained checkpoints.
 */
public final class GroundingReferenceOutputs {

    private GroundingReferenceOutputs() {}

    /**
     * @param model the loaded fine-grained model
     * @param in the inputs, named as in the reference npz
     * @param manager scratch manager for the run (its arrays are freed by the caller)
     * @return outputs by reference name, float32 or int64
     */
    public static LinkedHashMap<String, Npy.Entry> compute(FiberGroundingModel model, Map<String, NpyArray> in, NDManager manager) {
        for (String k : new String[] {"input.pixel_values", "input.input_ids", "input.attention_mask", "input.image_size_hw", "input.positive_map"}) {
            if (!in.containsKey(k)) {
                throw new IllegalArgumentException("fine-grained parity inputs need " + k + "; present: " + in.keySet());
            }
        }
        NpyArray pmArray = in.get("input.positive_map");
        float[] pm = pmArray.toFloatArray();
        int width = (int) pmArray.shape()[1];
        float[][] rows = new float[(int) pmArray.shape()[0]][];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = Arrays.copyOfRange(pm, r * width, (r + 1) * width);
        }
        long[] size = in.get("input.image_size_hw").toLongArray();
        LinkedHashMap<String, Npy.Entry> out = new LinkedHashMap<>();
        NDArray pixels = in.get("input.pixel_values").toNDArray(manager);
        NDArray ids = in.get("input.input_ids").toNDArray(manager);
        NDArray mask = in.get("input.attention_mask").toNDArray(manager);
        AtssPostProcessor.Result result = model.predict(pixels, ids, mask, (int) size[0], (int) size[1], LabelTokens.fromMatrix(rows),
                (key, value) -> {
                    long[] shape = value.getShape().getShape();
                    if (value.getDataType().isInteger()) {
                        try (NDArray l = value.toType(DataType.INT64, true)) {
                            out.put(key, Npy.Entry.of(l.toLongArray(), shape));
                        }
                    } else {
                        try (NDArray f = value.toType(DataType.FLOAT32, true)) {
                            out.put(key, Npy.Entry.of(f.toFloatArray(), shape));
                        }
                    }
                });
        put(out, "post.pre_nms", result.preNms());
        put(out, "post.post_nms", result.postNms());
        put(out, "det", result.detections());
        Detections sorted = result.detections().sortedByScore();
        put(out, "det_sorted", sorted);
        if (in.containsKey("input.orig_size_hw")) {
            long[] orig = in.get("input.orig_size_hw").toLongArray();
            Detections o = sorted.rescaled((int) size[0], (int) size[1], (int) orig[0], (int) orig[1]);
            out.put("det_sorted_orig.boxes", Npy.Entry.of(o.boxes(), o.size(), 4));
        }
        return out;
    }

    private static void put(Map<String, Npy.Entry> out, String prefix, Detections d) {
        out.put(prefix + ".boxes", Npy.Entry.of(d.boxes(), d.size(), 4));
        out.put(prefix + ".scores", Npy.Entry.of(d.scores(), d.size()));
        out.put(prefix + ".labels", Npy.Entry.of(d.labels(), d.size()));
    }
}
