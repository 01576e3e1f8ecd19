package dev.fiber.tasks.grounding.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.core.ops.Roll;
import dev.fiber.tasks.grounding.nn.Container;
import dev.fiber.tasks.grounding.nn.LayerNorm;
import dev.fiber.tasks.grounding.nn.Linear;
import dev.fiber.tasks.grounding.nn.StateBlock;

/**
 * A Swin Transformer block ({@code SwinTransformerBlock} of {@code fusion_swin_transformer_v2.py}):
 * {@code x = x + WindowAttn(LN1(x)); x = x + MLP(LN2(x))}.
 *
 * <p>After {@code norm1} the map is zero-padded right/bottom to a multiple of the window (the padded
 * tokens take part in attention), cyclically shifted by {@code -W/2} for odd blocks (the shift is used even
 * when the map is smaller than a window), partitioned into windows, attended (with the {@code -100}
 * mask for shifted blocks and, for fused blocks, the image-to-text attention), merged, shifted back and
 * cropped. Keys: {@code norm1}, {@code attn}, {@code norm2}, {@code mlp.fc1}, {@code mlp.fc2}.
 */
public final class SwinBlock extends StateBlock {

    private final long dim;
    private final int window;
    private final int shift;
    private final LayerNorm norm1;
    private final WindowAttention attn;
    private final LayerNorm norm2;
    private final Linear fc1;
    private final Linear fc2;

    /**
     * @param dim channels
     * @param heads heads
     * @param window window size
     * @param shift cyclic shift (0 or window/2)
     * @param mlpHidden MLP hidden width
     * @param textDim text width for a fused block, 0 otherwise
     * @param queryNorm whether a fused block has v3's {@code norm_i2t_i}
     */
    public SwinBlock(long dim, int heads, int window, int shift, long mlpHidden, long textDim, boolean queryNorm) {
        this.dim = dim;
        this.window = window;
        this.shift = shift;
        norm1 = child("norm1", new LayerNorm(dim, 1e-5f));
        attn = child("attn", new WindowAttention(dim, heads, window, textDim, queryNorm));
        norm2 = child("norm2", new LayerNorm(dim, 1e-5f));
        Container mlp = child("mlp", new Container());
        fc1 = mlp.add("fc1", new Linear(dim, mlpHidden, true));
        fc2 = mlp.add("fc2", new Linear(mlpHidden, dim, true));
    }

    /** @return the cyclic shift of this block (0 for regular windows) */
    public int shift() {
        return shift;
    }

    /** @return whether the block has image-to-text fusion weights */
    public boolean fused() {
        return attn.fused();
    }

    /**
     * @param x tokens {@code (B, H*W, C)} row-major over the map
     * @param h map height
     * @param w map width
     * @param shiftMask the stage's shifted-window mask {@code (nW, W*W, W*W)} (used only if shifted)
     * @param text text states or {@code null}
     * @param textMask extended text mask or {@code null}
     * @return new tokens {@code (B, H*W, C)}
     */
    public NDArray forward(NDArray x, int h, int w, NDArray shiftMask, NDArray text, NDArray textMask) {
        Shape s = x.getShape();
        long b = s.get(0);
        if (s.get(1) != (long) h * w || s.get(2) != dim) {
            throw new IllegalArgumentException("swin block expects (B, " + h + "*" + w + ", " + dim + "), got " + s);
        }
        int hp = ceilTo(h, window);
        int wp = ceilTo(w, window);
        NDArray t = norm1.forward(x).reshape(b, h, w, dim);
        t = padBottomRight(t, hp, wp);
        if (shift > 0) {
            t = Roll.roll(t, -shift, 1, -shift, 2);
        }
        long nh = hp / window;
        long nw = wp / window;
        NDArray windows = t.reshape(b, nh, window, nw, window, dim).transpose(0, 1, 3, 2, 4, 5)
                .reshape(-1, (long) window * window, dim);
        NDArray attended = attn.forward(windows, shift > 0 ? shiftMask : null, text, textMask);
        t = attended.reshape(b, nh, nw, window, window, dim).transpose(0, 1, 3, 2, 4, 5).reshape(b, hp, wp, dim);
        if (shift > 0) {
            t = Roll.roll(t, shift, 1, shift, 2);
        }
        if (hp != h || wp != w) {
            t = t.get(new NDIndex(":, :{}, :{}, :", h, w));
        }
        NDArray y = x.add(t.reshape(b, (long) h * w, dim));
        return y.add(fc2.forward(Activation.gelu(fc1.forward(norm2.forward(y)))));
    }

    static int ceilTo(int v, int m) {
        return (v + m - 1) / m * m;
    }

    private static NDArray padBottomRight(NDArray t, int hp, int wp) {
        Shape s = t.getShape();
        NDArray out = t;
        if (wp > s.get(2)) {
            out = out.concat(out.getManager().zeros(new Shape(s.get(0), s.get(1), wp - s.get(2), s.get(3))), 2);
        }
        if (hp > s.get(1)) {
            out = out.concat(out.getManager().zeros(new Shape(s.get(0), hp - s.get(1), wp, s.get(3))), 1);
        }
        return out;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        // input (B, H, W, C) [, text, textMask]; the shift mask is rebuilt for the map size
        NDArray x = in.get(0);
        Shape s = x.getShape();
        int h = (int) s.get(1);
        int w = (int) s.get(2);
        NDArray mask = shift > 0 ? ShiftedWindowMask.build(x.getManager(), h, w, window, shift) : null;
        NDArray y = forward(x.reshape(s.get(0), (long) h * w, dim), h, w, mask,
                in.size() > 1 ? in.get(1) : null, in.size() > 2 ? in.get(2) : null);
        return new NDList(y.reshape(s));
    }

    @Override
    protected Shape[] outputShapes(Shape[] in) {
        return new Shape[] {in[0]};
    }
}
