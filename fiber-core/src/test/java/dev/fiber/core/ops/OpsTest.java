package dev.fiber.core.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Random;

/** Hand-checked cases for the tensor operations that DJL lacks. */
class OpsTest {

    private NDManager m;

    @BeforeEach
    void open() {
        m = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        m.close();
    }

    @Test
    void rollMatchesTorchSemantics() {
        NDArray x = m.create(new float[] {0, 1, 2, 3, 4});
        assertArrayEquals(new float[] {3, 4, 0, 1, 2}, Roll.roll(x, 2, 0).toFloatArray());
        assertArrayEquals(new float[] {1, 2, 3, 4, 0}, Roll.roll(x, -1, 0).toFloatArray());
        assertArrayEquals(new float[] {0, 1, 2, 3, 4}, Roll.roll(x, 5, 0).toFloatArray());
        assertArrayEquals(new float[] {4, 0, 1, 2, 3}, Roll.roll(x, -9, -1).toFloatArray());
        NDArray g = m.create(new float[] {0, 1, 2, 3, 4, 5}, new Shape(2, 3));
        // shifts (-1, -1) on dims (0, 1): [[4,5,3],[1,2,0]]
        assertArrayEquals(new float[] {4, 5, 3, 1, 2, 0}, Roll.roll(g, -1, 0, -1, 1).toFloatArray());
        assertThrows(IllegalArgumentException.class, () -> Roll.roll(g, 1, 2));
    }

    @Test
    void groupNormHandValues() {
        NDArray x = m.create(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, new Shape(1, 4, 1, 2));
        NDArray gamma = m.create(new float[] {1, 2, 1, 1});
        NDArray beta = m.create(new float[] {0, 0, 0, 10});
        float[] y = GroupNorm.apply(x, 2, gamma, beta, 1e-5).toFloatArray();
        // each group {a, a+1, a+2, a+3}: mean a+1.5, biased var 1.25
        double s = Math.sqrt(1.25 + 1e-5);
        float[] expected = {
            (float) (-1.5 / s), (float) (-0.5 / s), (float) (2 * 0.5 / s), (float) (2 * 1.5 / s),
            (float) (-1.5 / s), (float) (-0.5 / s), (float) (0.5 / s + 10), (float) (1.5 / s + 10)
        };
        assertArrayEquals(expected, y, 1e-5f);
        assertThrows(IllegalArgumentException.class, () -> GroupNorm.apply(x, 3, null, null, 1e-5));
    }

    @Test
    void nearestResizeByIndexRule() {
        NDArray x = m.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(1, 1, 2, 3));
        assertArrayEquals(new float[] {1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 4, 4, 5, 5, 6, 6},
                Interpolation.nearest(x, 4, 6).toFloatArray());
        // 3 -> 2: scale 1.5, sources floor(0)=0, floor(1.5)=1
        assertArrayEquals(new float[] {1, 2, 4, 5}, Interpolation.nearest(x, 2, 2).toFloatArray());
        // 2 -> 5 rows: scale 0.4 -> 0,0,0,1,1
        float[] r = Interpolation.nearest(x, 5, 3).toFloatArray();
        assertArrayEquals(new float[] {1, 2, 3, 1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6}, r);
    }

    @Test
    void bilinearAlignCornersHandValues() {
        NDArray x = m.create(new float[] {0, 1, 2, 3}, new Shape(1, 1, 2, 2));
        assertArrayEquals(new float[] {0, 0.5f, 1, 1, 1.5f, 2, 2, 2.5f, 3},
                Interpolation.bilinearAlignCorners(x, 3, 3).toFloatArray(), 1e-6f);
        // output size 1 takes the first row/column
        assertArrayEquals(new float[] {0}, Interpolation.bilinearAlignCorners(x, 1, 1).toFloatArray());
        // 2 -> 4: sources 0, 1/3, 2/3, 1
        NDArray row = m.create(new float[] {0, 3}, new Shape(1, 1, 1, 2));
        assertArrayEquals(new float[] {0, 1, 2, 3},
                Interpolation.bilinearAlignCorners(row, 1, 4).toFloatArray(), 1e-6f);
    }

    @Test
    void deformConvWithZeroOffsetsIsAConvolution() {
        Random rnd = new Random(3);
        for (int stride : new int[] {1, 2}) {
            NDArray x = randn(rnd, 2, 3, 5, 7);
            NDArray w = randn(rnd, 4, 3, 3, 3);
            NDArray b = randn(rnd, 4);
            int ho = ModulatedDeformConv.outputSize(5, 3, stride, 1, 1);
            int wo = ModulatedDeformConv.outputSize(7, 3, stride, 1, 1);
            NDArray off = m.zeros(new Shape(2, 18, ho, wo));
            NDArray mask = m.ones(new Shape(2, 9, ho, wo));
            NDArray got = ModulatedDeformConv.forward(x, off, mask, w, b, stride, 1, 1);
            NDArray ref = Conv2d.conv2d(x, w, b, new Shape(stride, stride), new Shape(1, 1), new Shape(1, 1)).head();
            assertEquals(ref.getShape(), got.getShape());
            assertArrayEquals(ref.toFloatArray(), got.toFloatArray(), 1e-5f);
        }
    }

    @Test
    void deformConvBilinearSamplingAndMaskByHand() {
        // 1 channel 3x2 input, 1x1 kernel, no padding: the output is the modulated sample itself.
        NDArray x = m.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(1, 1, 3, 2));
        NDArray w = m.create(new float[] {1}, new Shape(1, 1, 1, 1));
        float[] dy = {0.5f, 0f, -1f, 0.25f, 0.5f, 0f};
        float[] dx = {0f, 0.5f, 0f, -0.5f, 0f, 1.5f};
        float[] off = new float[12];
        System.arraycopy(dy, 0, off, 0, 6);
        System.arraycopy(dx, 0, off, 6, 6);
        NDArray offset = m.create(off, new Shape(1, 2, 3, 2));
        NDArray mask = m.create(new float[] {1, 1, 1, 0.5f, 1, 1}, new Shape(1, 1, 3, 2));
        float[] got = ModulatedDeformConv.forward(x, offset, mask, w, null, 1, 0, 1).toFloatArray();
        float[] expected = {
            2f, // (0,0) + (0.5, 0): between 1 and 3
            1f, // (0,1) + (0, 0.5): x = 1.5 inside (< 2); right corner outside -> 0.5 * 2
            1f, // (1,0) + (-1, 0): exactly row 0
            0.5f * (0.75f * (0.5f * 3 + 0.5f * 4) + 0.25f * (0.5f * 5 + 0.5f * 6)), // (1.25, 0.5) of (1,1)
            0.5f * 5, // (2.5, 0): bottom corner outside
            0f // (2, 2.5): x >= W -> zero
        };
        assertArrayEquals(expected, got, 1e-6f);
        // y <= -1 is outside entirely
        NDArray far = m.create(new float[] {-1f, -1f, -1f, -1f, -1f, -1f, 0, 0, 0, 0, 0, 0}, new Shape(1, 2, 3, 2));
        float[] shifted = ModulatedDeformConv.forward(x, far, m.ones(new Shape(1, 1, 3, 2)), w, null, 1, 0, 1)
                .toFloatArray();
        assertArrayEquals(new float[] {0, 0, 1, 2, 3, 4}, shifted, 1e-6f);
    }

    @Test
    void deformConvMatchesDirectLoopOnRandomOffsets() {
        Random rnd = new Random(11);
        int n = 2, c = 3, h = 5, wd = 6, o = 2, stride = 2;
        NDArray x = randn(rnd, n, c, h, wd);
        NDArray w = randn(rnd, o, c, 3, 3);
        NDArray b = randn(rnd, o);
        int ho = ModulatedDeformConv.outputSize(h, 3, stride, 1, 1);
        int wo = ModulatedDeformConv.outputSize(wd, 3, stride, 1, 1);
        NDArray off = randn(rnd, n, 18, ho, wo).mul(1.7f);
        NDArray mask = randn(rnd, n, 9, ho, wo).getNDArrayInternal().sigmoid();
        float[] got = ModulatedDeformConv.forward(x, off, mask, w, b, stride, 1, 1).toFloatArray();
        float[] xs = x.toFloatArray();
        float[] ws = w.toFloatArray();
        float[] bs = b.toFloatArray();
        float[] os = off.toFloatArray();
        float[] ms = mask.toFloatArray();
        float[] ref = new float[n * o * ho * wo];
        for (int bi = 0; bi < n; bi++) {
            for (int oc = 0; oc < o; oc++) {
                for (int r = 0; r < ho; r++) {
                    for (int q = 0; q < wo; q++) {
                        double acc = bs[oc];
                        for (int ci = 0; ci < c; ci++) {
                            for (int i = 0; i < 3; i++) {
                                for (int j = 0; j < 3; j++) {
                                    int t = i * 3 + j;
                                    float oy = os[((bi * 18 + 2 * t) * ho + r) * wo + q];
                                    float ox = os[((bi * 18 + 2 * t + 1) * ho + r) * wo + q];
                                    float mk = ms[((bi * 9 + t) * ho + r) * wo + q];
                                    double yy = r * stride - 1 + i + oy;
                                    double xx = q * stride - 1 + j + ox;
                                    double v = sample(xs, bi, ci, c, h, wd, yy, xx);
                                    acc += ws[((oc * c + ci) * 3 + i) * 3 + j] * v * mk;
                                }
                            }
                        }
                        ref[((bi * o + oc) * ho + r) * wo + q] = (float) acc;
                    }
                }
            }
        }
        assertArrayEquals(ref, got, 1e-4f);
    }

    @Test
    void deformConvReinterpretsOffsetMemory() {
        NDArray t = m.arange(16f).reshape(2, 2, 2, 2);
        NDArray r = ModulatedDeformConv.reinterpret(t, 2, 1, 2);
        assertEquals(new Shape(2, 2, 1, 2), r.getShape());
        assertArrayEquals(new float[] {0, 1, 2, 3, 8, 9, 10, 11}, r.toFloatArray());
        assertThrows(IllegalArgumentException.class, () -> ModulatedDeformConv.reinterpret(t, 3, 1, 3));
        NDArray x = m.zeros(new Shape(1, 1, 4, 4));
        NDArray w = m.zeros(new Shape(1, 1, 3, 3));
        assertThrows(IllegalArgumentException.class, () -> ModulatedDeformConv.forward(
                x, m.zeros(new Shape(1, 18, 3, 3)), m.zeros(new Shape(1, 9, 4, 4)), w, null, 1, 1, 1));
    }

    @Test
    void nmsLegacyPerLabelStrictAscending() {
        float[] boxes = {
            0, 0, 9, 9, // 0: A
            1, 1, 10, 10, // 1: B, IoU(A,B) = 81/119 > 0.6
            1, 1, 10, 10, // 2: like B but label 2
            0, 0, 9, 5, // 3: IoU with A exactly 60/100 = 0.6 -> kept (strict >)
            0, 0, 9, 9, // 4: same as A, higher score -> suppresses A and B
            50, 50, 60, 60 // 5: far away
        };
        float[] scores = {0.9f, 0.8f, 0.7f, 0.6f, 0.95f, 0.1f};
        long[] labels = {1, 1, 2, 1, 1, 1};
        assertEquals(0.6f, MultiLabelNms.iou(boxes, 0, 3));
        assertEquals(81f / 119f, MultiLabelNms.iou(boxes, 0, 1), 1e-7f);
        assertArrayEquals(new int[] {2, 3, 4, 5}, MultiLabelNms.keep(boxes, scores, labels, 0.6f));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, MultiLabelNms.keep(boxes, scores, labels, 1.0f));
        assertThrows(IllegalArgumentException.class,
                () -> MultiLabelNms.keep(boxes, scores, new long[] {1}, 0.5f));
    }

    private static double sample(float[] xs, int b, int ch, int c, int h, int w, double y, double x) {
        if (!(y > -1 && x > -1 && y < h && x < w)) {
            return 0;
        }
        int y0 = (int) Math.floor(y);
        int x0 = (int) Math.floor(x);
        double ly = y - y0;
        double lx = x - x0;
        double v = 0;
        for (int dy = 0; dy <= 1; dy++) {
            for (int dx = 0; dx <= 1; dx++) {
                int yy = y0 + dy;
                int xx = x0 + dx;
                if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
                    v += (dy == 0 ? 1 - ly : ly) * (dx == 0 ? 1 - lx : lx) * xs[((b * c + ch) * h + yy) * w + xx];
                }
            }
        }
        return v;
    }

    private NDArray randn(Random rnd, long... shape) {
        Shape s = new Shape(shape);
        float[] v = new float[(int) s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return m.create(v, s);
    }
}
