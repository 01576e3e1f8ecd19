package dev.fiber.core.model.swin;

import dev.fiber.core.ops.Scoped;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.core.model.ForwardContext;
import dev.fiber.core.model.LayerNormLayer;
import dev.fiber.core.model.LinearLayer;
import dev.fiber.core.model.StateDictBlock;

/**
 * Swin {@code PatchMerging} between stages: every 2x2 neighbourhood becomes one token by
 * concatenating the four tokens in the official order x0=(even row, even col), x1=(odd, even),
 * x2=(even, odd), x3=(odd, odd), then {@code norm} (LayerNorm over 4C) and {@code reduction}
 * (Linear 4C -> 2C, no bias). The concatenation is one reshape + permute copy.
 */
public final class PatchMerging extends StateDictBlock {

    private final int height;
    private final int width;
    private final int dim;
    private final LinearLayer reduction;
    private final LayerNormLayer norm;

    /**
     * @param height input grid height (even)
     * @param width input grid width (even)
     * @param dim input width C
     * @param eps LayerNorm epsilon
     */
    public PatchMerging(int height, int width, int dim, double eps) {
        if (height % 2 != 0 || width % 2 != 0) {
            throw new IllegalArgumentException("patch merging needs an even grid, got " + height + "x" + width);
        }
        this.height = height;
        this.width = width;
        this.dim = dim;
        reduction = child("reduction", new LinearLayer(4 * dim, 2 * dim, false));
        norm = child("norm", new LayerNormLayer(4 * dim, eps));
    }

    /**
     * At inference, runs the block in its own array scope: every temporary is freed when it returns, so the peak
     * memory of a forward pass is one block's temporaries rather than the whole network's.
     *
     * @param ctx forward context
     * @param x (B, H*W, C)
     * @return (B, H/2*W/2, 2C)
     */
    public NDArray forward(ForwardContext ctx, NDArray x) {
        // training keeps every temporary: the backward pass reads them (closing them here yields NaN gradients)
        return ctx.training() ? forwardUnscoped(ctx, x) : Scoped.keep(() -> forwardUnscoped(ctx, x));
    }

    private NDArray forwardUnscoped(ForwardContext ctx, NDArray x) {
        long b = x.getShape().get(0);
        // (B, H/2, dh, W/2, dw, C) -> (B, H/2, W/2, dw, dh, C): channel block k = dw*2 + dh = x0,x1,x2,x3
        NDArray merged = x.reshape(b, height / 2, 2, width / 2, 2, dim).transpose(0, 1, 3, 4, 2, 5)
                .reshape(b, (long) (height / 2) * (width / 2), 4L * dim);
        return reduction.forward(ctx, norm.forward(ctx, merged));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(new ForwardContext(ps, training), inputs.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), (long) (height / 2) * (width / 2), 2L * dim)};
    }
}
