package dev.fiber.core.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fiber.core.util.OpTimes;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Modulated deformable convolution (DCNv2), the CUDA op {@code modulated_deform_conv_forward} of
 * FIBER/maskrcnn-benchmark (and {@code torchvision.ops.deform_conv2d(..., mask=)}): a bilinear, modulated
 * im2col computed in Java (the kernel's {@code modulated_deformable_im2col}, split over the cores) followed
 * by one libtorch matrix product per block of output positions.
 *
 * <p>For output position {@code (ho, wo)} and kernel tap {@code k = i * kw + j} the input is sampled at
 * {@code (ho * stride - pad + i * dilation + dy, wo * stride - pad + j * dilation + dx)} where
 * {@code dy = offset[2k]}, {@code dx = offset[2k + 1]} (row first); the sample is 0 unless
 * {@code -1 < y < H} and {@code -1 < x < W}, otherwise bilinear with zero for corners outside the map; it is
 * multiplied by {@code mask[k]}; then the columns are contracted with the weight as in an ordinary
 * convolution and the bias is added. One deformable group, one convolution group.
 *
 * <p>FIBER's VLDyHead feeds the offsets of level {@code l} to the convolution of level {@code l + 1}
 * although the output is smaller; the CUDA kernel then reads the offset memory as if it had the output's
 * size. {@link #reinterpret} reproduces that reading; {@link #forward} itself requires offsets and mask of
 * exactly the output size.
 *
 * <p>Cost: the column matrix has {@code Ho Wo x kh kw C} values; it is built in blocks of at most 16 M
 * floats (64 MB), each contracted at once, so the temporary memory is bounded for any map size. Each
 * sample value is computed as in the CUDA kernel ({@code (w1 v1 + w2 v2 + w3 v3 + w4 v4) * mask}).
 */
public final class ModulatedDeformConv {

    private ModulatedDeformConv() {}

    /**
     * Output length of a convolution along one axis.
     *
     * @param in input length
     * @param kernel kernel length
     * @param stride stride
     * @param pad zero padding on each side
     * @param dilation dilation
     * @return {@code (in + 2 pad - (dilation (kernel - 1) + 1)) / stride + 1}
     */
    public static int outputSize(int in, int kernel, int stride, int pad, int dilation) {
        return (in + 2 * pad - (dilation * (kernel - 1) + 1)) / stride + 1;
    }

    /**
     * Reads an offset or mask tensor the way the CUDA kernel does when its spatial size is larger than
     * the convolution output: per sample, the first {@code channels * outH * outW} values of the sample's
     * memory (C order) viewed as {@code (channels, outH, outW)}.
     *
     * @param t offsets {@code (N, channels, H, W)} (or any tensor with at least
     *     {@code channels * outH * outW} values per sample)
     * @param channels channels the kernel reads (18 for offsets, 9 for the mask of a 3x3 kernel)
     * @param outH output height
     * @param outW output width
     * @return a new tensor {@code (N, channels, outH, outW)}
     * @throws IllegalArgumentException if a sample holds fewer values than the kernel would read
     */
    public static NDArray reinterpret(NDArray t, int channels, int outH, int outW) {
        long n = t.getShape().get(0);
        long perSample = t.size() / Math.max(n, 1);
        long need = (long) channels * outH * outW;
        if (perSample < need) {
            throw new IllegalArgumentException(
                    "deformable conv: offset/mask " + t.getShape() + " holds " + perSample
                            + " values per sample, the kernel reads " + need);
        }
        try (NDArray flat = t.reshape(n, perSample);
                NDArray head = flat.get(new NDIndex(":, 0:{}", need))) {
            return head.reshape(n, channels, outH, outW);
        }
    }

    /**
     * Modulated deformable convolution.
     *
     * @param x input {@code (N, C, H, W)} float32
     * @param offset {@code (N, 2 kh kw, Ho, Wo)}: per tap (dy, dx)
     * @param mask {@code (N, kh kw, Ho, Wo)} modulation (already passed through a sigmoid)
     * @param weight {@code (O, C, kh, kw)}
     * @param bias {@code (O)} or {@code null}
     * @param stride stride (both axes)
     * @param pad zero padding (both axes)
     * @param dilation dilation (both axes)
     * @return output {@code (N, O, Ho, Wo)}
     * @throws IllegalArgumentException if the shapes are inconsistent
     */
    public static NDArray forward(
            NDArray x, NDArray offset, NDArray mask, NDArray weight, NDArray bias, int stride, int pad,
            int dilation) {
        Shape xs = x.getShape();
        Shape ws = weight.getShape();
        if (xs.dimension() != 4 || ws.dimension() != 4) {
            throw new IllegalArgumentException("deformable conv expects 4-d input and weight, got " + xs + ", " + ws);
        }
        int n = (int) xs.get(0);
        int c = (int) xs.get(1);
        int h = (int) xs.get(2);
        int w = (int) xs.get(3);
        int o = (int) ws.get(0);
        int kh = (int) ws.get(2);
        int kw = (int) ws.get(3);
        int k = kh * kw;
        if (ws.get(1) != c) {
            throw new IllegalArgumentException("deformable conv: weight " + ws + " does not fit input " + xs);
        }
        int ho = outputSize(h, kh, stride, pad, dilation);
        int wo = outputSize(w, kw, stride, pad, dilation);
        if (ho <= 0 || wo <= 0) {
            throw new IllegalArgumentException("deformable conv: empty output for input " + xs);
        }
        Shape offShape = new Shape(n, 2L * k, ho, wo);
        Shape maskShape = new Shape(n, k, ho, wo);
        if (!offset.getShape().equals(offShape)) {
            throw new IllegalArgumentException("deformable conv: offset " + offset.getShape() + ", expected " + offShape);
        }
        if (!mask.getShape().equals(maskShape)) {
            throw new IllegalArgumentException("deformable conv: mask " + mask.getShape() + ", expected " + maskShape);
        }
        if (bias != null && bias.size() != o) {
            throw new IllegalArgumentException("deformable conv: bias has " + bias.size() + " values, expected " + o);
        }
        return Scoped.keep(() -> compute(x, offset, mask, weight, bias, stride, pad, dilation,
                n, c, h, w, o, kh, kw, ho, wo));
    }

    private static NDArray compute(
            NDArray x, NDArray offset, NDArray mask, NDArray weight, NDArray bias, int stride, int pad,
            int dilation, int n, int c, int h, int w, int o, int kh, int kw, int ho, int wo) {
        NDManager m = x.getManager();
        int k = kh * kw;
        long t0 = OpTimes.start();
        // input as channel rows (n, h, w, c) plus one zero row that out-of-map corners read
        float[] rows;
        try (NDArray nhwc = x.transpose(0, 2, 3, 1)) {
            float[] raw = nhwc.toFloatArray();
            rows = java.util.Arrays.copyOf(raw, raw.length + c);
        }
        float[] off = offset.toFloatArray();
        float[] mod = mask.toFloatArray();
        OpTimes.stop("deform.copy", t0);
        // weight (o, c, kh, kw) as (o, k * c) in tap-major order, matching the column layout
        NDArray wMatrix = weight.transpose(0, 2, 3, 1).reshape(o, (long) k * c);
        Geometry g = new Geometry(h, w, c, kh, kw, stride, pad, dilation, ho, wo);
        int positions = ho * wo;
        int chunk = Math.max(1, Math.min(positions, (int) (CHUNK_VALUES / ((long) k * c))));
        ByteBuffer buffer = takeBuffer((long) chunk * k * c * Float.BYTES);
        try {
            FloatBuffer colBuffer = buffer.asFloatBuffer();
            NDList samples = new NDList();
            for (int b = 0; b < n; b++) {
                NDList parts = new NDList();
                for (int p0 = 0; p0 < positions; p0 += chunk) {
                    int p1 = Math.min(positions, p0 + chunk);
                    long t1 = OpTimes.start();
                    im2col(rows, off, mod, b, g, p0, p1, colBuffer);
                    // the array aliases the buffer (no copy); it is closed before the buffer is reused
                    ByteBuffer view = buffer.slice(0, (p1 - p0) * k * c * Float.BYTES).order(ByteOrder.nativeOrder());
                    NDArray colArray = m.create(view, new Shape(p1 - p0, (long) k * c), DataType.FLOAT32);
                    OpTimes.stop("deform.im2col", t1);
                    long t2 = OpTimes.start();
                    // (o, k c) x (k c, p) -> (o, p): output channels first, as NCHW wants
                    try (NDArray colsT = colArray.transpose()) {
                        parts.add(wMatrix.matMul(colsT));
                    }
                    OpTimes.stop("deform.gemm", t2);
                    colArray.close();
                }
                NDArray sample = parts.size() == 1 ? parts.head() : NDArrays.concat(parts, 1);
                samples.add(sample.reshape(1, o, ho, wo));
            }
            NDArray out = samples.size() == 1 ? samples.head() : NDArrays.concat(samples, 0);
            if (bias != null) {
                out = out.add(bias.reshape(1, o, 1, 1));
            }
            return out;
        } finally {
            Reference.reachabilityFence(buffer);
            giveBack(buffer);
        }
    }

    /** One reusable native column buffer (the last one released), so that passes do not re-allocate it. */
    private static final AtomicReference<ByteBuffer> SPARE = new AtomicReference<>();

    private static ByteBuffer takeBuffer(long bytes) {
        ByteBuffer b = SPARE.getAndSet(null);
        if (b == null || b.capacity() < bytes) {
            b = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
        }
        return b;
    }

    private static void giveBack(ByteBuffer b) {
        ByteBuffer old = SPARE.get();
        if (old == null || old.capacity() <= b.capacity()) {
            SPARE.set(b);
        }
    }

    /** Values (floats) of the column matrix built at once: bounds the temporary memory (64 MB). */
    private static final long CHUNK_VALUES = 16L << 20;

    /** Sizes of one convolution. */
    private record Geometry(int h, int w, int c, int kh, int kw, int stride, int pad, int dilation, int ho, int wo) {}

    /**
     * Bilinear, modulated im2col of output positions {@code [p0, p1)} of sample {@code b} into
     * {@code cols} laid out {@code (p - p0, tap, channel)}, split over the available cores.
     */
    private static void im2col(float[] rows, float[] off, float[] mod, int b, Geometry g, int p0, int p1,
            FloatBuffer cols) {
        int span = p1 - p0;
        int parts = Math.min(span, 4 * Runtime.getRuntime().availableProcessors());
        if (parts <= 1 || (long) span * g.kh() * g.kw() * g.c() < 65536) {
            im2colRange(rows, off, mod, b, g, p0, p0, p1, cols);
            return;
        }
        java.util.stream.IntStream.range(0, parts).parallel().forEach(i -> {
            int from = p0 + (int) ((long) span * i / parts);
            int to = p0 + (int) ((long) span * (i + 1) / parts);
            im2colRange(rows, off, mod, b, g, p0, from, to, cols);
        });
    }

    private static void im2colRange(float[] rows, float[] off, float[] mod, int b, Geometry g, int base, int from,
            int to, FloatBuffer cols) {
        float[] sample = new float[g.c()];
        int h = g.h();
        int w = g.w();
        int c = g.c();
        int k = g.kh() * g.kw();
        int plane = g.ho() * g.wo();
        int sampleRows = b * h * w;
        int zeroRow = rows.length - c;
        int offBase = b * 2 * k * plane;
        int modBase = b * k * plane;
        for (int p = from; p < to; p++) {
            int yo = p / g.wo();
            int xo = p - yo * g.wo();
            for (int i = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++) {
                    int t = i * g.kw() + j;
                    int dst = ((p - base) * k + t) * c;
                    float y = (yo * g.stride() - g.pad() + i * g.dilation()) + off[offBase + 2 * t * plane + p];
                    float x = (xo * g.stride() - g.pad() + j * g.dilation()) + off[offBase + (2 * t + 1) * plane + p];
                    if (!(y > -1f && x > -1f && y < h && x < w)) {
                        java.util.Arrays.fill(sample, 0f);
                        cols.put(dst, sample, 0, c);
                        continue;
                    }
                    float mk = mod[modBase + t * plane + p];
                    int y0 = (int) Math.floor(y);
                    int x0 = (int) Math.floor(x);
                    int y1 = y0 + 1;
                    int x1 = x0 + 1;
                    float ly = y - y0;
                    float lx = x - x0;
                    float hy = 1f - ly;
                    float hx = 1f - lx;
                    float w1 = hy * hx;
                    float w2 = hy * lx;
                    float w3 = ly * hx;
                    float w4 = ly * lx;
                    int r1 = y0 >= 0 && x0 >= 0 ? (sampleRows + y0 * w + x0) * c : zeroRow;
                    int r2 = y0 >= 0 && x1 <= w - 1 ? (sampleRows + y0 * w + x1) * c : zeroRow;
                    int r3 = y1 <= h - 1 && x0 >= 0 ? (sampleRows + y1 * w + x0) * c : zeroRow;
                    int r4 = y1 <= h - 1 && x1 <= w - 1 ? (sampleRows + y1 * w + x1) * c : zeroRow;
                    for (int q = 0; q < c; q++) {
                        sample[q] = (w1 * rows[r1 + q] + w2 * rows[r2 + q] + w3 * rows[r3 + q] + w4 * rows[r4 + q]) * mk;
                    }
                    cols.put(dst, sample, 0, c);
                }
            }
        }
    }
}
