package dev.fiber.core.model.swin;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.core.model.Conv2dLayer;
import dev.fiber.core.model.ForwardContext;
import dev.fiber.core.model.LayerNormLayer;
import dev.fiber.core.model.StateDictBlock;

/**
 * timm {@code PatchEmbed} of the Swin backbone: a {@code proj} convolution with kernel = stride =
 * patch size, flattened to tokens (B, H/p*W/p, C), then {@code norm} (LayerNorm) when patch_norm.
 */
public final class PatchEmbed extends StateDictBlock {

    private final int imageSize;
    private final int inChans;
    private final Conv2dLayer proj;
    private final LayerNormLayer norm;

    /**
     * @param imageSize expected input side
     * @param patch patch size
     * @param inChans input channels
     * @param embedDim output width
     * @param patchNorm whether there is a LayerNorm
     * @param eps its epsilon
     */
    public PatchEmbed(int imageSize, int patch, int inChans, int embedDim, boolean patchNorm, double eps) {
        this.imageSize = imageSize;
        this.inChans = inChans;
        proj = child("proj", new Conv2dLayer(inChans, embedDim, patch));
        norm = patchNorm ? child("norm", new LayerNormLayer(embedDim, eps)) : null;
    }

    /**
     * @param ctx forward context
     * @param image (B, 3, S, S) normalised pixels
     * @return patch tokens (B, (S/p)^2, C)
     */
    public NDArray forward(ForwardContext ctx, NDArray image) {
        Shape s = image.getShape();
        if (s.dimension() != 4 || s.get(1) != inChans || s.get(2) != imageSize || s.get(3) != imageSize) {
            throw new IllegalArgumentException("image must be (B, " + inChans + ", " + imageSize + ", " + imageSize + "), got " + s);
        }
        NDArray x = proj.forward(ctx, image); // (B, C, H', W')
        Shape xs = x.getShape();
        x = x.reshape(xs.get(0), xs.get(1), xs.get(2) * xs.get(3)).transpose(0, 2, 1);
        return norm == null ? x : norm.forward(ctx, x);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(new ForwardContext(ps, training), inputs.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape c = proj.getOutputShapes(inputShapes)[0];
        return new Shape[] {new Shape(c.get(0), c.get(2) * c.get(3), c.get(1))};
    }
}
