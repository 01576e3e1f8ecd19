package dev.fiber.tasks.grounding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.fiber.tasks.grounding.backbone.RelativePositionIndex;
import dev.fiber.tasks.grounding.backbone.ShiftedWindowMask;
import dev.fiber.tasks.grounding.post.AnchorGenerator;
import dev.fiber.tasks.grounding.post.AtssPostProcessor;
import dev.fiber.tasks.grounding.post.BoxCoder;
import dev.fiber.tasks.grounding.post.Detections;
import dev.fiber.tasks.grounding.post.LabelTokens;
import dev.fiber.tasks.grounding.weights.WeightSource;
import org.junit.jupiter.api.Test;

import java.util.Map;

/** Hand-checked cases for the pieces of the grounding model, and their agreement with checkpoint buffers. */
class GroundingPartsTest {

    @Test
    void boxDecodingByHand() {
        float[] anchor = {0, 0, 9, 19}; // w 10, h 20, centre (4.5, 9.5)
        float[] out = new float[4];
        BoxCoder.decode(new float[] {0, 0, 0, 0}, 0, anchor, 0, out, 0);
        assertArrayEquals(anchor, out, 1e-6f);
        // dx = 10/10 = 1 -> centre x 14.5; dw = 5 ln 2 / 5 -> width 20
        BoxCoder.decode(new float[] {10, 0, (float) (5 * Math.log(2)), 0}, 0, anchor, 0, out, 0);
        assertArrayEquals(new float[] {5, 0, 24, 19}, out, 1e-4f);
        // huge dw is clamped at log(1000/16): width 10 * 62.5 = 625
        BoxCoder.decode(new float[] {0, 0, 1000, 0}, 0, anchor, 0, out, 0);
        assertEquals(625f, out[2] - out[0] + 1, 1e-3f);
    }

    @Test
    void cellAnchorsAreLegacyDetectron() {
        assertArrayEquals(new float[] {-28, -28, 35, 35},
                AnchorGenerator.cellAnchors(8, new double[] {64}, new double[] {1.0}), 0f);
        assertArrayEquals(new float[] {-448, -448, 575, 575},
                AnchorGenerator.cellAnchors(128, new double[] {1024}, new double[] {1.0}), 0f);
        // ratio 0.5 on stride 16: w = round(sqrt(512)) = 23, h = round(11.5) = 12 (half to even)
        assertArrayEquals(new float[] {-3.5f, 2, 18.5f, 13},
                AnchorGenerator.cellAnchors(16, new double[] {16}, new double[] {0.5}), 0f);
    }

    @Test
    void derivedBuffersMatchTheCheckpoint() throws Exception {
        try (WeightSource w = TinyFineModel.weights(); NDManager m = NDManager.newBaseManager()) {
            NDArray idx = w.load("module.fusion_backbone.backbone.body.layers.0.blocks.0.attn.relative_position_index", m);
            assertArrayEquals(idx.toLongArray(), RelativePositionIndex.compute(12));
            int[] strides = {8, 16, 32, 64, 128};
            for (int l = 0; l < 5; l++) {
                NDArray cell = w.load("module.rpn.anchor_generator.cell_anchors." + l, m);
                assertArrayEquals(cell.toFloatArray(),
                        AnchorGenerator.cellAnchors(strides[l], new double[] {64 << l}, new double[] {1.0}), 0f);
            }
        }
    }

    @Test
    void shiftedWindowMaskRegions() {
        try (NDManager m = NDManager.newBaseManager()) {
            // 4x4 map, window 4, shift 2: one window, regions by (row band, column band)
            float[] mask = ShiftedWindowMask.build(m, 4, 4, 4, 2).toFloatArray();
            // token 0 (0,0) and token 1 (0,1) share a region; token 2 (0,2) does not
            assertEquals(0f, mask[1]);
            assertEquals(-100f, mask[2]);
            // token 10 (2,2) and token 15 (3,3) share the bottom-right region
            assertEquals(0f, mask[10 * 16 + 15]);
            // a 3x5 map pads to 4x8: two windows
            assertEquals(2 * 16 * 16, ShiftedWindowMask.build(m, 3, 5, 4, 2).size());
        }
    }

    @Test
    void detectionsPerImageCutKeepsTies() {
        Detections d = new Detections(new float[20], new float[] {0.5f, 0.9f, 0.5f, 0.1f, 0.7f},
                new long[] {1, 1, 2, 2, 1});
        Detections three = AtssPostProcessor.cut(d, 3);
        assertArrayEquals(new float[] {0.5f, 0.9f, 0.5f, 0.7f}, three.scores()); // tie at the 3rd keeps both
        Detections two = AtssPostProcessor.cut(d, 2);
        assertArrayEquals(new float[] {0.9f, 0.7f}, two.scores()); // order unchanged
        assertEquals(5, AtssPostProcessor.cut(d, 0).size());
    }

    @Test
    void positiveMapFromMatrix() {
        LabelTokens p = LabelTokens.fromMatrix(new float[][] {{0, 0.5f, 0.5f, 0}, {0, 0, 0, 1}});
        assertEquals(2, p.maxLabel());
        assertArrayEquals(new int[] {1, 2}, p.labelToTokens().get(1L));
        assertArrayEquals(new int[] {3}, p.labelToTokens().get(2L));
        assertThrows(IllegalArgumentException.class, () -> new LabelTokens(Map.of(0L, new int[] {1})));
        assertEquals(0, new LabelTokens(Map.of(1L, new int[0])).labelToTokens().get(1L).length);
        LabelTokens ids = LabelTokens.fromMatrix(new float[][] {{0, 1}, {1, 0}}, new long[] {7, 3});
        assertArrayEquals(new long[] {3, 7}, ids.labelToTokens().keySet().stream().mapToLong(Long::longValue).toArray());
        assertThrows(IllegalArgumentException.class,
                () -> LabelTokens.fromMatrix(new float[][] {{1}, {1}}, new long[] {2, 2}));
    }
}
