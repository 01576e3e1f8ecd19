package dev.fiber.core.model.swin;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.core.model.BufferSpec;
import dev.fiber.core.model.ForwardContext;
import dev.fiber.core.model.LayerNormLayer;
import dev.fiber.core.model.LinearLayer;
import dev.fiber.core.model.Nn;
import dev.fiber.core.model.ParamInit;
import dev.fiber.core.model.StateDictBlock;

/**
 * Swin window multi-head self-attention with relative position bias ({@code WindowAttention} of
 * the official {@code swin_transformer.py}), plus FIBER's image-to-text cross-attention in the fused
 * blocks (paper Sec. 3.1, "fusion in the backbone"; quirk 7).
 *
 * <p>Self-attention: {@code qkv} projection, q scaled by {@code head_dim^-0.5} <em>before</em>
 * QK^T, plus the relative-position bias gathered from {@code relative_position_bias_table}, plus the
 * -100 shift mask in shifted blocks, softmax, times V, {@code proj}. All windows of all images are
 * one batched matmul.
 *
 * <p>Image-to-text (fused blocks only): {@code q = qkv_i2t(norm_i2t_i(x))} per image token, keys and
 * values {@code qkv_text_i2t(text)}, text padding mask {@code (1-mask)*-10000}, then
 * {@code x + alpha_i2t * proj_i2t(softmax(q k^T) v)}. Every window of an image attends to the same
 * text, so instead of repeating the text per window (official {@code repeat_interleave}) all tokens
 * of an image are one query block against that image's text; each row is the same computation.
 */
public final class WindowAttention extends StateDictBlock {

    private final int dim;
    private final int heads;
    private final int headDim;
    private final int window;
    private final float scale;
    private final Parameter table;
    private final LinearLayer qkv;
    private final LinearLayer proj;
    private final LinearLayer qkvTextI2t;
    private final LinearLayer qkvI2t;
    private final LinearLayer projI2t;
    private final Parameter alphaI2t;
    private final LayerNormLayer normI2t;
    private NDArray relativeIndex;

    /**
     * @param dim token width C
     * @param window window size w (effective)
     * @param heads number of heads
     * @param qkvBias whether the q/k/v projections have biases
     * @param dimText text width for image-to-text attention, or 0 for a block without it
     * @param eps LayerNorm epsilon of {@code norm_i2t_i}
     */
    public WindowAttention(int dim, int window, int heads, boolean qkvBias, int dimText, double eps) {
        this.dim = dim;
        this.heads = heads;
        this.headDim = dim / heads;
        this.window = window;
        this.scale = (float) Math.pow(headDim, -0.5);
        int side = 2 * window - 1;
        table = param("relative_position_bias_table", Parameter.Type.WEIGHT, new Shape((long) side * side, heads), ParamInit.NORMAL);
        int n = window * window;
        buffer("relative_position_index", new BufferSpec(new Shape(n, n), true, () -> WindowGeometry.relativePositionIndex(window)));
        qkv = child("qkv", new LinearLayer(dim, dim * 3, qkvBias));
        proj = child("proj", new LinearLayer(dim, dim, true));
        if (dimText > 0) {
            qkvTextI2t = child("qkv_text_i2t", new LinearLayer(dimText, dim * 2, qkvBias));
            qkvI2t = child("qkv_i2t", new LinearLayer(dim, dim, qkvBias));
            projI2t = child("proj_i2t", new LinearLayer(dim, dim, true));
            alphaI2t = param("alpha_i2t", Parameter.Type.OTHER, new Shape(1), ParamInit.ZEROS);
            normI2t = child("norm_i2t_i", new LayerNormLayer(dim, eps));
        } else {
            qkvTextI2t = null;
            qkvI2t = null;
            projI2t = null;
            alphaI2t = null;
            normI2t = null;
        }
    }

    /** @return whether this block has image-to-text attention */
    public boolean isFused() {
        return qkvTextI2t != null;
    }

    @Override
    protected void createConstants(NDManager manager, DataType floatType) {
        relativeIndex = manager.create(WindowGeometry.relativePositionIndex(window));
    }

    /**
     * @param ctx forward context
     * @param like an activation (gives device and the manager that owns the result)
     * @return the relative position bias (heads, N, N) gathered from the table
     */
    public NDArray relativeBias(ForwardContext ctx, NDArray like) {
        int n = window * window;
        return ctx.value(table, like).get(like.getManager(), new NDIndex("{}", relativeIndex)).reshape(n, n, heads).transpose(2, 0, 1);
    }

    /**
     * @param ctx forward context
     * @param x windows of all images (B*nW, N, C), image-major
     * @param shiftMask (1, nW, 1, N, N) shift mask, or {@code null}
     * @param numWindows windows per image nW
     * @param text text states (B, T, dimText) for image-to-text attention, or {@code null}
     * @param textMask additive text mask (B, 1, 1, T), or {@code null}
     * @return (B*nW, N, C)
     */
    public NDArray forward(ForwardContext ctx, NDArray x, NDArray shiftMask, int numWindows, NDArray text, NDArray textMask) {
        Shape s = x.getShape();
        long bw = s.get(0);
        long n = s.get(1);
        // qkv: (B_, N, 3C) -> (3, B_, nH, N, hd)
        NDArray qkvAll = qkv.forward(ctx, x).reshape(bw, n, 3, heads, headDim).transpose(2, 0, 3, 1, 4);
        NDArray q = Nn.mulScalar(qkvAll.get(0), scale);
        NDArray k = qkvAll.get(1);
        NDArray v = qkvAll.get(2);
        NDArray attn = q.matMul(k.transpose(0, 1, 3, 2)); // (B_, nH, N, N)
        attn = attn.add(relativeBias(ctx, x));
        if (shiftMask != null) {
            attn = attn.reshape(bw / numWindows, numWindows, heads, n, n).add(shiftMask).reshape(bw, heads, n, n);
        }
        attn = attn.softmax(-1);
        NDArray out = attn.matMul(v).transpose(0, 2, 1, 3).reshape(bw, n, dim);
        out = proj.forward(ctx, out);
        if (text != null) {
            if (!isFused()) {
                throw new IllegalStateException("this Swin block has no image-to-text attention");
            }
            out = out.add(imageToText(ctx, out, numWindows, text, textMask).mul(ctx.value(alphaI2t, out)));
        }
        return out;
    }

    private NDArray imageToText(ForwardContext ctx, NDArray x, int numWindows, NDArray text, NDArray textMask) {
        Shape s = x.getShape();
        long bw = s.get(0);
        long n = s.get(1);
        long b = text.getShape().get(0);
        long t = text.getShape().get(1);
        if (b * numWindows != bw) {
            throw new IllegalArgumentException("image batch " + (bw / numWindows) + " != text batch " + b);
        }
        // k, v from the text: (B, T, 2C) -> (2, B, nH, T, hd)
        NDArray kv = qkvTextI2t.forward(ctx, text).reshape(b, t, 2, heads, headDim).transpose(2, 0, 3, 1, 4);
        NDArray kText = kv.get(0);
        NDArray vText = kv.get(1);
        // queries of all nW*N tokens of an image: (B, nH, nW*N, hd)
        NDArray q = Nn.mulScalar(qkvI2t.forward(ctx, normI2t.forward(ctx, x)).reshape(b, numWindows * n, heads, headDim).transpose(0, 2, 1, 3), scale);
        NDArray attn = q.matMul(kText.transpose(0, 1, 3, 2)); // (B, nH, nW*N, T)
        if (textMask != null) {
            attn = attn.add(textMask);
        }
        attn = attn.softmax(-1);
        NDArray y = attn.matMul(vText).transpose(0, 2, 1, 3).reshape(bw, n, dim);
        return projI2t.forward(ctx, y);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        ForwardContext ctx = new ForwardContext(ps, training);
        NDArray x = inputs.get(0);
        if (inputs.size() >= 3) {
            long bw = x.getShape().get(0);
            int nw = (int) (bw / inputs.get(1).getShape().get(0));
            return new NDList(forward(ctx, x, null, nw, inputs.get(1), inputs.get(2)));
        }
        return new NDList(forward(ctx, x, null, 1, null, null));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
