package dev.fiber.tasks.grounding.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.tasks.grounding.nn.LayerNorm;
import dev.fiber.tasks.grounding.nn.Linear;
import dev.fiber.tasks.grounding.nn.StateBlock;

/**
 * Swin patch merging ({@code PatchMerging}, key {@code downsample}): the 2x2 neighbours
 * {@code x[0::2,0::2], x[1::2,0::2], x[0::2,1::2], x[1::2,1::2]} are concatenated in that order (4C),
 * normalised ({@code norm}) and reduced to 2C ({@code reduction}, no bias). Odd maps are zero-padded.
 */
public final class PatchMerging extends StateBlock {

    private final long dim;
    private final LayerNorm norm;
    private final Linear reduction;

    /** @param dim input channels C */
    public PatchMerging(long dim) {
        this.dim = dim;
        reduction = child("reduction", new Linear(4 * dim, 2 * dim, false));
        norm = child("norm", new LayerNorm(4 * dim, 1e-5f));
    }

    /**
     * @param x tokens {@code (B, H*W, C)}
     * @param h height
     * @param w width
     * @return tokens {@code (B, ceil(H/2)*ceil(W/2), 2C)}
     */
    public NDArray forward(NDArray x, int h, int w) {
        long b = x.getShape().get(0);
        NDArray t = x.reshape(b, h, w, dim);
        int h2 = (h + 1) / 2;
        int w2 = (w + 1) / 2;
        if (w % 2 == 1) {
            t = t.concat(t.getManager().zeros(new Shape(b, h, 1, dim)), 2);
        }
        if (h % 2 == 1) {
            t = t.concat(t.getManager().zeros(new Shape(b, 1, 2L * w2, dim)), 1);
        }
        // (B, h2, dy, w2, dx, C) -> (B, h2, w2, dx, dy, C): dx-major, dy-minor gives x0, x1, x2, x3
        NDArray merged = t.reshape(b, h2, 2, w2, 2, dim).transpose(0, 1, 3, 4, 2, 5).reshape(b, (long) h2 * w2, 4 * dim);
        return reduction.forward(norm.forward(merged));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        NDArray x = in.head(); // (B, H, W, C)
        Shape s = x.getShape();
        int h = (int) s.get(1);
        int w = (int) s.get(2);
        NDArray y = forward(x.reshape(s.get(0), (long) h * w, dim), h, w);
        return new NDList(y.reshape(s.get(0), (h + 1) / 2, (w + 1) / 2, 2 * dim));
    }

    @Override
    protected Shape[] outputShapes(Shape[] in) {
        Shape s = in[0];
        return new Shape[] {new Shape(s.get(0), (s.get(1) + 1) / 2, (s.get(2) + 1) / 2, 2 * dim)};
    }
}
