package dev.fiber.tasks.grounding.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.fiber.tasks.grounding.backbone.RelativePositionIndex;
import dev.fiber.tasks.grounding.nn.StateBlock;
import dev.fiber.tasks.grounding.post.AnchorGenerator;
import dev.fiber.tasks.grounding.weights.WeightSource;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Weights of the right shapes for any {@link StateBlock} tree, for benchmarks without a checkpoint: small
 * Gaussian matrices (seeded per key), unit norm scales, zero biases, fusion gates and {@code Scale}s 0.5,
 * {@code bias0} -4.6 (a prior of 1%), and valid buffers (relative position index, position ids, cell
 * anchors of stride {@code 8 * 2^l} and size {@code 64 * 2^l}). The values carry no meaning; they only keep
 * activations in a normal range so that timings are representative.
 */
public final class SyntheticWeights implements WeightSource {

    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private final int window;

    /**
     * @param model the model whose parameters to provide
     * @param window Swin window size (for the relative position index)
     */
    public SyntheticWeights(StateBlock model, int window) {
        this.window = window;
        walk(model, "");
    }

    private void walk(StateBlock b, String prefix) {
        for (String p : b.namedParameters().keySet()) {
            shapes.put(prefix + p, b.expectedShape(p).getShape());
        }
        for (Map.Entry<String, Block> c : b.namedChildren().entrySet()) {
            walk((StateBlock) c.getValue(), prefix + c.getKey() + ".");
        }
    }

    @Override
    public Set<String> keys() {
        return shapes.keySet();
    }

    @Override
    public long[] shape(String key) {
        long[] s = shapes.get(key);
        if (s == null) {
            throw new IllegalArgumentException("no synthetic tensor " + key);
        }
        return s.clone();
    }

    @Override
    public NDArray load(String key, NDManager manager) {
        Shape s = new Shape(shape(key));
        if (key.endsWith("relative_position_index")) {
            return manager.create(RelativePositionIndex.compute(window), s);
        }
        if (key.endsWith("position_ids")) {
            return manager.arange(0, (int) s.get(s.dimension() - 1)).toType(DataType.INT64, false).reshape(s);
        }
        if (key.contains("cell_anchors.")) {
            int l = Integer.parseInt(key.substring(key.lastIndexOf('.') + 1));
            return manager.create(AnchorGenerator.cellAnchors(8 << l, new double[] {64 << l}, new double[] {1}), s);
        }
        boolean norm = key.contains("norm") || key.contains("LayerNorm") || key.contains(".bn.");
        float[] v = new float[(int) s.size()];
        if (key.endsWith("alpha_i2t") || key.endsWith("alpha_t2i") || key.endsWith(".scale")) {
            Arrays.fill(v, 0.5f);
        } else if (key.endsWith("bias0")) {
            v[0] = -4.6f;
        } else if (norm && key.endsWith("weight")) {
            Arrays.fill(v, 1f);
        } else if (!key.endsWith("bias") && !key.endsWith("log_scale") && !key.endsWith("bias_lang")) {
            Random rnd = new Random(key.hashCode());
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (rnd.nextGaussian() * 0.02);
            }
        }
        return manager.create(v, s);
    }

    @Override
    public String describe() {
        return "synthetic weights (" + shapes.size() + " tensors)";
    }

    @Override
    public void close() {
        // nothing held
    }
}
