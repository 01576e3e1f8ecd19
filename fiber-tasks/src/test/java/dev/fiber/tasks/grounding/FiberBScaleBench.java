package dev.fiber.tasks.grounding;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.fiber.tasks.grounding.backbone.RelativePositionIndex;
import dev.fiber.tasks.grounding.backbone.SwinSpec;
import dev.fiber.tasks.grounding.head.HeadSpec;
import dev.fiber.tasks.grounding.nn.LoadReport;
import dev.fiber.tasks.grounding.nn.StateBlock;
import dev.fiber.tasks.grounding.nn.StateDictLoader;
import dev.fiber.tasks.grounding.post.AnchorGenerator;
import dev.fiber.tasks.grounding.post.AtssPostProcessor;
import dev.fiber.tasks.grounding.post.LabelTokens;
import dev.fiber.tasks.grounding.text.TextSpec;
import dev.fiber.tasks.grounding.weights.WeightSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Runs the model at FIBER-B size (widths of the released model, 800x1333 input) with synthetic weights to
 * check that every op is vectorised enough and to time it. Opt-in: {@code -Dfiber.bench=true}.
 */
@EnabledIfSystemProperty(named = "fiber.bench", matches = "true")
class FiberBScaleBench {

    static GroundingSpec fiberBSpec() {
        long[][] textDims = new long[4][];
        textDims[0] = new long[2];
        textDims[1] = new long[2];
        textDims[2] = new long[18];
        for (int b = 14; b < 18; b++) {
            textDims[2][b] = 768;
        }
        textDims[3] = new long[] {768, 768};
        SwinSpec swin = new SwinSpec(128, 4, new int[] {2, 2, 18, 2}, new int[] {4, 8, 16, 32}, 12,
                new long[] {512, 1024, 2048, 4096}, textDims, new boolean[] {false, true, true, true}, false);
        TextSpec text = new TextSpec(50265, 514, 1, 768, 3072, 12, 12, 1, 1e-5f);
        long[] imageWidths = {0, 0, 0, 0, 0, 0, 512, 512, 512, 512, 1024, 1024};
        HeadSpec head = new HeadSpec(256, 256, 6, 64, 16, 255, 768, 5);
        return new GroundingSpec(swin, 2, new long[] {256, 512, 1024}, 256, text, imageWidths, head, 1);
    }

    @Test
    void fiberBSizeForward() throws Exception {
        GroundingConfig config = GroundingConfig.fiberB();
        FiberGroundingModel model = new FiberGroundingModel(fiberBSpec(), config);
        try (NDManager m = NDManager.newBaseManager(); WeightSource w = new Synthetic(model)) {
            long t0 = System.nanoTime();
            LoadReport r = StateDictLoader.load(model, w, m);
            assertTrue(r.complete(), r.toString());
            System.out.printf(Locale.ROOT, "FIBER-B synthetic weights: %d tensors in %.1f s%n", r.loaded().size(),
                    (System.nanoTime() - t0) / 1e9);
            int h = 800;
            int wd = 1333;
            Random rnd = new Random(1);
            float[] px = new float[3 * 800 * 1344];
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < wd; x++) {
                        px[(c * 800 + y) * 1344 + x] = (float) rnd.nextGaussian();
                    }
                }
            }
            long[] ids = new long[256];
            long[] mask = new long[256];
            java.util.Arrays.fill(ids, 1);
            long[] caption = {0, 10, 1275, 4758, 4, 10, 2440, 2335, 4, 2};
            System.arraycopy(caption, 0, ids, 0, caption.length);
            java.util.Arrays.fill(mask, 0, caption.length, 1);
            LabelTokens map = LabelTokens.of(List.of(1L, 2L), List.of(new int[] {1, 2, 3}, new int[] {5, 6, 7}));
            for (int run = 0; run < 2; run++) {
                try (NDManager sub = m.newSubManager()) {
                    NDArray pixels = sub.create(px, new Shape(1, 3, 800, 1344));
                    NDArray idArr = sub.create(ids, new Shape(1, 256));
                    NDArray maskArr = sub.create(mask, new Shape(1, 256));
                    Map<String, Long> times = new LinkedHashMap<>();
                    long start = System.nanoTime();
                    long[] last = {start};
                    AtssPostProcessor.Result res = model.predict(pixels, idArr, maskArr, h, wd, map, (key, v) -> {
                        if (key.equals("backbone.stage_out4") || key.equals("fpn.p7") || key.equals("head.tower5.l4")
                                || key.equals("head.dot_product_logits.l4")) {
                            long now = System.nanoTime();
                            times.put(key, (now - last[0]) / 1_000_000);
                            last[0] = now;
                        }
                    });
                    System.out.printf(Locale.ROOT, "FIBER-B 800x1333 forward + post-processing: %.1f s %s, %d detections%n",
                            (System.nanoTime() - start) / 1e9, times, res.detections().size());
                }
            }
        }
    }

    /** FIBER-B-shaped synthetic weights: small Gaussian weights, unit norms, valid buffers. */
    static final class Synthetic implements WeightSource {
        private final Map<String, long[]> shapes = new LinkedHashMap<>();

        Synthetic(StateBlock model) {
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
            return shapes.get(key).clone();
        }

        @Override
        public NDArray load(String key, NDManager manager) {
            Shape s = new Shape(shapes.get(key));
            if (key.endsWith("relative_position_index")) {
                return manager.create(RelativePositionIndex.compute(12), s);
            }
            if (key.endsWith("position_ids")) {
                return manager.arange(0, (int) s.get(1)).toType(ai.djl.ndarray.types.DataType.INT64, false).reshape(s);
            }
            if (key.contains("cell_anchors.")) {
                int l = Integer.parseInt(key.substring(key.lastIndexOf('.') + 1));
                return manager.create(AnchorGenerator.cellAnchors(8 << l, new double[] {64 << l}, new double[] {1}), s);
            }
            boolean norm = key.contains("norm") || key.contains("LayerNorm") || key.contains(".bn.");
            float[] v = new float[(int) s.size()];
            if (key.endsWith("alpha_i2t") || key.endsWith("alpha_t2i") || key.endsWith(".scale")) {
                java.util.Arrays.fill(v, 0.5f);
            } else if (key.endsWith("bias0")) {
                v[0] = -4.6f;
            } else if (norm && key.endsWith("weight")) {
                java.util.Arrays.fill(v, 1f);
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
            return "synthetic FIBER-B weights";
        }

        @Override
        public void close() {
            // nothing held
        }
    }
}
