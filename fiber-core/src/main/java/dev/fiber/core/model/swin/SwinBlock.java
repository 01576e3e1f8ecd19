package dev.fiber.core.model.swin;

import dev.fiber.core.ops.Scoped;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.core.model.BufferSpec;
import dev.fiber.core.model.ForwardContext;
import dev.fiber.core.model.LayerNormLayer;
import dev.fiber.core.model.Nn;
import dev.fiber.core.model.StateDictBlock;

/**
 * One Swin Transformer block ({@code SwinTransformerBlock}): pre-norm (shifted-)window attention
 * with residual, then pre-norm MLP with residual, each residual branch under stochastic depth. In
 * FIBER's fused blocks the attention also attends from image tokens to the text (see
 * {@link WindowAttention}).
 *
 * <p>The official {@code attn_mask} buffer exists for shifted blocks; it is recomputed here
 * ({@link WindowGeometry#shiftMask()}) and checked against a checkpoint's copy on load.
 */
public final class SwinBlock extends StateDictBlock {

    private final int dim;
    private final WindowGeometry geometry;
    private final double dropPath;
    private final LayerNormLayer norm1;
    private final WindowAttention attn;
    private final LayerNormLayer norm2;
    private final SwinMlp mlp;
    private NDArray partitionIndex;
    private NDArray reverseIndex;
    private NDArray shiftMask;

    /**
     * @param dim block width
     * @param height grid height
     * @param width grid width
     * @param heads attention heads
     * @param window requested window size (shrinks to the grid if larger)
     * @param shift requested shift
     * @param mlpRatio MLP ratio
     * @param qkvBias biases on q/k/v projections
     * @param eps LayerNorm epsilon
     * @param dropPath stochastic-depth rate of this block
     * @param dimText text width for image-to-text attention, 0 for an image-only block
     */
    public SwinBlock(int dim, int height, int width, int heads, int window, int shift, double mlpRatio, boolean qkvBias, double eps,
            double dropPath, int dimText) {
        this.dim = dim;
        this.geometry = new WindowGeometry(height, width, window, shift);
        this.dropPath = dropPath;
        if (geometry.shift() > 0) {
            int nw = geometry.numWindows();
            int n = geometry.windowTokens();
            buffer("attn_mask", new BufferSpec(new Shape(nw, n, n), false, geometry::shiftMask));
        }
        norm1 = child("norm1", new LayerNormLayer(dim, eps));
        attn = child("attn", new WindowAttention(dim, geometry.window(), heads, qkvBias, dimText, eps));
        norm2 = child("norm2", new LayerNormLayer(dim, eps));
        mlp = child("mlp", new SwinMlp(dim, (int) (dim * mlpRatio)));
    }

    /** @return the window arithmetic of this block */
    public WindowGeometry geometry() {
        return geometry;
    }

    /** @return whether this block attends from image to text */
    public boolean isFused() {
        return attn.isFused();
    }

    @Override
    protected void createConstants(NDManager manager, DataType floatType) {
        if (!geometry.isIdentity()) {
            partitionIndex = manager.create(geometry.partitionIndex());
            reverseIndex = manager.create(geometry.reverseIndex());
        }
        float[] mask = geometry.shiftMask();
        if (mask != null) {
            int n = geometry.windowTokens();
            shiftMask = manager.create(mask, new Shape(1, geometry.numWindows(), 1, n, n)).toType(floatType, false);
        }
    }

    /**
     * At inference, runs the block in its own array scope: every temporary is freed when it returns, so the peak
     * memory of a forward pass is one block's temporaries rather than the whole network's.
     *
     * @param ctx forward context
     * @param x image tokens (B, H*W, C)
     * @param text text states (B, T, dimText) for a fused block, or {@code null}
     * @param textMask additive text mask (B, 1, 1, T), or {@code null}
     * @return (B, H*W, C)
     */
    public NDArray forward(ForwardContext ctx, NDArray x, NDArray text, NDArray textMask) {
        // training keeps every temporary: the backward pass reads them (closing them here yields NaN gradients)
        return ctx.training() ? forwardUnscoped(ctx, x, text, textMask) : Scoped.keep(() -> forwardUnscoped(ctx, x, text, textMask));
    }

    private NDArray forwardUnscoped(ForwardContext ctx, NDArray x, NDArray text, NDArray textMask) {
        Shape s = x.getShape();
        long b = s.get(0);
        long l = s.get(1);
        if (l != (long) geometry.height() * geometry.width() || s.get(2) != dim) {
            throw new IllegalArgumentException("Swin block expects (B, " + geometry.height() * geometry.width() + ", " + dim + "), got " + s);
        }
        int nw = geometry.numWindows();
        int n = geometry.windowTokens();
        NDArray h = norm1.forward(ctx, x);
        // cyclic shift + window partition as one gather: (B, L, C) -> (B*nW, N, C)
        NDArray windows = (partitionIndex == null ? h : h.get(new NDIndex(":, {}", partitionIndex))).reshape(b * nw, n, dim);
        NDArray a = attn.forward(ctx, windows, shiftMask, nw, text, textMask);
        // window reverse + reverse shift: (B*nW, N, C) -> (B, L, C)
        a = a.reshape(b, l, dim);
        if (reverseIndex != null) {
            a = a.get(new NDIndex(":, {}", reverseIndex));
        }
        NDArray y = x.add(Nn.dropPath(a, dropPath, ctx.training()));
        return y.add(Nn.dropPath(mlp.forward(ctx, norm2.forward(ctx, y)), dropPath, ctx.training()));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        ForwardContext ctx = new ForwardContext(ps, training);
        if (inputs.size() >= 3) {
            return new NDList(forward(ctx, inputs.get(0), inputs.get(1), inputs.get(2)));
        }
        return new NDList(forward(ctx, inputs.get(0), null, null));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
