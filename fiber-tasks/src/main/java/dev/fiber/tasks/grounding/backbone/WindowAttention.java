package dev.fiber.tasks.grounding.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.tasks.grounding.nn.LayerNorm;
import dev.fiber.tasks.grounding.nn.Linear;
import dev.fiber.tasks.grounding.nn.StateBlock;

/**
 * Window multi-head self-attention with relative position bias, plus FIBER's optional image-to-text
 * cross-attention ({@code WindowAttention} of {@code fusion_swin_transformer_v2.py}).
 *
 * <p>Self-attention per window: {@code softmax((q * d^-1/2) kᵀ + B_rel [+ shift mask]) v}, then
 * {@code proj}. With text ({@code qkv_text_i2t}, {@code qkv_i2t}, {@code proj_i2t}, {@code alpha_i2t}):
 * keys/values are projected from the text states (width read from the checkpoint), queries from the
 * <em>output of {@code proj}</em>, logits plus the text's extended mask, softmax over text tokens,
 * {@code proj_i2t}, and {@code x = x + alpha_i2t * y}. Every window of an image attends to the same text.
 * Fusion version v3 (FIBER's refexp models) additionally normalises the query input with
 * {@code norm_i2t_i} before {@code qkv_i2t}.
 */
public final class WindowAttention extends StateBlock {

    private final long dim;
    private final int heads;
    private final int window;
    private final Parameter table;
    private final Parameter index;
    private final Linear qkv;
    private final Linear proj;
    private final Linear qkvText;
    private final Linear qI2t;
    private final Linear projI2t;
    private final Parameter alpha;
    private final LayerNorm queryNorm;

    /**
     * @param dim channels C
     * @param heads heads
     * @param window window size W (the table has {@code (2W-1)^2} rows)
     * @param textDim width of the text states for the fused variant, 0 for plain attention
     * @param queryNorm whether the fused variant has v3's {@code norm_i2t_i}
     */
    public WindowAttention(long dim, int heads, int window, long textDim, boolean queryNorm) {
        if (dim % heads != 0) {
            throw new IllegalArgumentException("swin width " + dim + " not divisible by " + heads + " heads");
        }
        this.dim = dim;
        this.heads = heads;
        this.window = window;
        long n = (long) window * window;
        table = parameter("relative_position_bias_table", new Shape((2L * window - 1) * (2L * window - 1), heads));
        index = buffer("relative_position_index", new Shape(n, n));
        qkv = child("qkv", new Linear(dim, 3 * dim, true));
        proj = child("proj", new Linear(dim, dim, true));
        if (textDim > 0) {
            qkvText = child("qkv_text_i2t", new Linear(textDim, 2 * dim, true));
            qI2t = child("qkv_i2t", new Linear(dim, dim, true));
            projI2t = child("proj_i2t", new Linear(dim, dim, true));
            alpha = parameter("alpha_i2t", new Shape(1));
            this.queryNorm = queryNorm ? child("norm_i2t_i", new LayerNorm(dim, 1e-5f)) : null;
        } else {
            this.queryNorm = null;
            qkvText = null;
            qI2t = null;
            projI2t = null;
            alpha = null;
        }
    }

    /** @return whether this attention has the image-to-text fusion */
    public boolean fused() {
        return qkvText != null;
    }

    /**
     * @param x window tokens {@code (B * nW, W*W, C)}, windows of one image consecutive
     * @param mask shifted-window mask {@code (nW, W*W, W*W)} (0 / -100) or {@code null}
     * @param text text states {@code (B, T, Dt)} or {@code null} (no fusion)
     * @param textMask extended text mask {@code (B, 1, 1, T)} or {@code null}
     * @return {@code (B * nW, W*W, C)}
     */
    public NDArray forward(NDArray x, NDArray mask, NDArray text, NDArray textMask) {
        Shape s = x.getShape();
        long bw = s.get(0);
        long n = s.get(1);
        long hd = dim / heads;
        NDArray t = qkv.forward(x).reshape(bw, n, 3, heads, hd).transpose(2, 0, 3, 1, 4);
        NDArray q = t.get(0).mul((float) Math.pow(hd, -0.5));
        NDArray k = t.get(1);
        NDArray v = t.get(2);
        NDArray attn = q.matMul(k.transpose(0, 1, 3, 2)).add(relativeBias().expandDims(0));
        if (mask != null) {
            long nw = mask.getShape().get(0);
            attn = attn.reshape(bw / nw, nw, heads, n, n).add(mask.expandDims(1).expandDims(0))
                    .reshape(-1, heads, n, n);
        }
        NDArray out = proj.forward(attn.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(bw, n, dim));
        if (text == null) {
            return out;
        }
        if (qkvText == null) {
            throw new IllegalStateException("text given to a window attention without fusion weights");
        }
        Shape ts = text.getShape();
        long b = ts.get(0);
        long nt = ts.get(1);
        if (bw % b != 0) {
            throw new IllegalArgumentException(bw + " windows are not a multiple of text batch " + b);
        }
        long nw = bw / b;
        NDArray kvText = qkvText.forward(text).reshape(b, nt, 2, heads, hd).transpose(2, 0, 3, 1, 4);
        NDArray kText = kvText.get(0); // (B, h, T, d)
        NDArray vText = kvText.get(1);
        // every window of an image attends to the same text, so all its tokens form one query matrix per head:
        // one (nW N x d) by (d x T) product per head instead of nW small ones
        NDArray qText = qI2t.forward(queryNorm == null ? out : queryNorm.forward(out)).reshape(b, nw * n, heads, hd)
                .transpose(0, 2, 1, 3).mul((float) Math.pow(hd, -0.5)); // (B, h, nW N, d)
        NDArray logits = qText.matMul(kText.transpose(0, 1, 3, 2)); // (B, h, nW N, T)
        if (textMask != null) {
            logits = logits.add(textMask.reshape(b, 1, 1, nt));
        }
        NDArray y = logits.softmax(-1).matMul(vText) // (B, h, nW N, d)
                .transpose(0, 2, 1, 3).reshape(bw, n, dim);
        return out.add(projI2t.forward(y).mul(value(alpha)));
    }

    /** @return the relative position bias {@code (heads, W*W, W*W)} */
    private NDArray relativeBias() {
        long n = (long) window * window;
        NDArray idx = value(index).flatten();
        NDArray rows = value(table).get(idx);
        return rows.reshape(n, n, heads).transpose(2, 0, 1);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        return new NDList(forward(in.get(0), in.size() > 1 ? in.get(1) : null, in.size() > 2 ? in.get(2) : null,
                in.size() > 3 ? in.get(3) : null));
    }

    @Override
    protected Shape[] outputShapes(Shape[] in) {
        return new Shape[] {in[0]};
    }
}
