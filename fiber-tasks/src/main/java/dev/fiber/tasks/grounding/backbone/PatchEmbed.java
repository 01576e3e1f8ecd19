package dev.fiber.tasks.grounding.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.tasks.grounding.nn.Conv2d;
import dev.fiber.tasks.grounding.nn.LayerNorm;
import dev.fiber.tasks.grounding.nn.StateBlock;

/**
 * Swin patch embedding ({@code PatchEmbed}): zero-pad right/bottom to a multiple of the patch size,
 * {@code proj} (conv, kernel = stride = patch), {@code norm} (LayerNorm over channels). Output NCHW.
 */
public final class PatchEmbed extends StateBlock {

    private final int patch;
    private final long dim;
    private final Conv2d proj;
    private final LayerNorm norm;

    /**
     * @param inChannels image channels (3)
     * @param dim embedding width C
     * @param patch patch size (4)
     */
    public PatchEmbed(long inChannels, long dim, int patch) {
        this.patch = patch;
        this.dim = dim;
        proj = child("proj", new Conv2d(inChannels, dim, patch, patch, 0, true));
        norm = child("norm", new LayerNorm(dim, 1e-5f));
    }

    /**
     * @param image {@code (B, 3, H, W)}
     * @return {@code (B, C, ceil(H/p), ceil(W/p))}
     */
    public NDArray forward(NDArray image) {
        Shape s = image.getShape();
        NDArray x = image;
        long padW = (patch - s.get(3) % patch) % patch;
        long padH = (patch - s.get(2) % patch) % patch;
        if (padW > 0) {
            x = x.concat(x.getManager().zeros(new Shape(s.get(0), s.get(1), s.get(2), padW)), 3);
        }
        if (padH > 0) {
            x = x.concat(x.getManager().zeros(new Shape(s.get(0), s.get(1), padH, s.get(3) + padW)), 2);
        }
        NDArray y = proj.forward(x);
        Shape ys = y.getShape();
        NDArray tokens = y.reshape(ys.get(0), dim, -1).transpose(0, 2, 1);
        return norm.forward(tokens).transpose(0, 2, 1).reshape(ys);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        return new NDList(forward(in.head()));
    }

    @Override
    protected Shape[] outputShapes(Shape[] in) {
        Shape s = in[0];
        return new Shape[] {new Shape(s.get(0), dim, (s.get(2) + patch - 1) / patch, (s.get(3) + patch - 1) / patch)};
    }
}
