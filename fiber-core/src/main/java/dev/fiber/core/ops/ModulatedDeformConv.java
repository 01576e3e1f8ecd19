package dev.fiber.core.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Modulated deformable convolution (DCNv2), the CUDA op {@code modulated_deform_conv_forward} of
 * FIBER/maskrcnn-benchmark (and {@code torchvision.ops.deform_conv2d(..., mask=)}), built from DJL gathers
 * and one matrix product.
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
        // Regular sampling grid per tap: rows (k, ho, 1), columns (k, 1, wo).
        float[] gy = new float[k * ho];
        float[] gx = new float[k * wo];
        for (int i = 0; i < kh; i++) {
            for (int j = 0; j < kw; j++) {
                int t = i * kw + j;
                for (int r = 0; r < ho; r++) {
                    gy[t * ho + r] = r * stride - pad + i * dilation;
                }
                for (int q = 0; q < wo; q++) {
                    gx[t * wo + q] = q * stride - pad + j * dilation;
                }
            }
        }
        NDArray baseY = m.create(gy, new Shape(1, k, ho, 1));
        NDArray baseX = m.create(gx, new Shape(1, k, 1, wo));
        NDArray off = offset.reshape(n, k, 2, ho, wo);
        // sample coordinates, laid out (n, ho, wo, k) so that the gathered rows are already the columns
        NDArray y = off.get(new NDIndex(":, :, 0")).add(baseY).transpose(0, 2, 3, 1);
        NDArray xx = off.get(new NDIndex(":, :, 1")).add(baseX).transpose(0, 2, 3, 1);
        NDArray inside = y.gt(-1).logicalAnd(xx.gt(-1)).logicalAnd(y.lt(h)).logicalAnd(xx.lt(w));
        NDArray y0 = y.floor();
        NDArray x0 = xx.floor();
        NDArray ly = y.sub(y0);
        NDArray lx = xx.sub(x0);
        NDArray hy = ly.neg().add(1f);
        NDArray hx = lx.neg().add(1f);
        NDArray modulation = mask.transpose(0, 2, 3, 1).mul(inside.toType(DataType.FLOAT32, false));
        NDArray y0i = y0.toType(DataType.INT64, false);
        NDArray x0i = x0.toType(DataType.INT64, false);
        long[] starts = new long[n];
        for (int b = 0; b < n; b++) {
            starts[b] = (long) b * h * w;
        }
        NDArray batchBase = m.create(starts, new Shape(n, 1, 1, 1));
        // Input as rows of channels: (n * h * w, c).
        NDArray rows = x.transpose(0, 2, 3, 1).reshape((long) n * h * w, c);
        NDArray cols = null;
        for (int dy = 0; dy <= 1; dy++) {
            for (int dx = 0; dx <= 1; dx++) {
                NDArray yi = dy == 0 ? y0i : y0i.add(1);
                NDArray xi = dx == 0 ? x0i : x0i.add(1);
                NDArray valid = yi.gte(0).logicalAnd(yi.lte(h - 1)).logicalAnd(xi.gte(0)).logicalAnd(xi.lte(w - 1));
                NDArray cornerWeight = (dy == 0 ? hy : ly).mul(dx == 0 ? hx : lx)
                        .mul(valid.toType(DataType.FLOAT32, false)).mul(modulation);
                NDArray index = yi.clip(0, h - 1).mul(w).add(xi.clip(0, w - 1)).add(batchBase);
                // rows in (n, ho, wo, k) order: (n * ho * wo * k, c)
                NDArray term = rows.get(index.flatten()).muli(cornerWeight.reshape(-1, 1));
                if (cols == null) {
                    cols = term;
                } else {
                    cols.addi(term);
                    term.close();
                }
            }
        }
        // (n * ho * wo, k * c) against the weight (o, c, kh, kw) permuted to (o, kh, kw, c)
        NDArray colMatrix = cols.reshape((long) n * ho * wo, (long) k * c);
        NDArray wMatrix = weight.transpose(0, 2, 3, 1).reshape(o, (long) k * c).transpose();
        NDArray out = colMatrix.matMul(wMatrix); // (n * ho * wo, o)
        if (bias != null) {
            out = out.add(bias.reshape(1, o));
        }
        return out.reshape(n, (long) ho * wo, o).transpose(0, 2, 1).reshape(n, o, ho, wo);
    }
}
