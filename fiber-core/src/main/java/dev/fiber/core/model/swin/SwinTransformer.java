package dev.fiber.core.model.swin;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.core.config.FiberConfig;
import dev.fiber.core.config.SwinConfig;
import dev.fiber.core.model.ForwardContext;
import dev.fiber.core.model.LayerNormLayer;
import dev.fiber.core.model.ModuleList;
import dev.fiber.core.model.StateDictBlock;

/**
 * FIBER's Swin image backbone ({@code vit_model}, official {@code SwinTransformer}):
 * {@code patch_embed}, four {@code layers} (stages) and the final {@code norm}, which FIBER applies
 * only on the image-only (ITC) path. Window = image_size / 32; stage-3 blocks from
 * {@code 20 - num_fuse_block} on and all stage-4 blocks carry image-to-text attention (quirk 8);
 * stochastic depth rates {@code linspace(0, drop_path_rate, 24)}.
 */
public final class SwinTransformer extends StateDictBlock {

    private final PatchEmbed patchEmbed;
    private final ModuleList<SwinStage> layers;
    private final LayerNormLayer norm;
    private final int numFeatures;

    /**
     * @param config the model configuration
     */
    public SwinTransformer(FiberConfig config) {
        SwinConfig sc = config.swin();
        int grid = config.patchGrid();
        int window = config.windowSize();
        patchEmbed = child("patch_embed", new PatchEmbed(config.imageSize(), sc.patchSize(), sc.inChans(), sc.embedDim(), sc.patchNorm(), sc.layerNormEps()));
        layers = child("layers", new ModuleList<>());
        int total = sc.totalBlocks();
        int k = 0;
        for (int stage = 0; stage < sc.depths().size(); stage++) {
            int dim = sc.stageDim(stage);
            int res = grid >> stage;
            ModuleList<SwinBlock> blocks = new ModuleList<>();
            for (int i = 0; i < sc.depths().get(stage); i++, k++) {
                boolean fused = stage == 3 || (stage == 2 && i >= config.firstFusedStage3Block());
                double dpr = total > 1 ? sc.dropPathRate() * k / (total - 1) : 0;
                blocks.add(new SwinBlock(dim, res, res, sc.numHeads().get(stage), window, i % 2 == 0 ? 0 : window / 2, sc.mlpRatio(),
                        sc.qkvBias(), sc.layerNormEps(), dpr, fused ? sc.dimText() : 0));
            }
            boolean last = stage == sc.depths().size() - 1;
            PatchMerging merge = last ? null : new PatchMerging(res, res, dim, sc.layerNormEps());
            layers.add(new SwinStage(blocks, merge, res, res, dim));
        }
        numFeatures = sc.numFeatures();
        norm = child("norm", new LayerNormLayer(numFeatures, sc.layerNormEps()));
    }

    /** @return the patch embedding */
    public PatchEmbed patchEmbed() {
        return patchEmbed;
    }

    /**
     * @param i stage index (0-3)
     * @return the stage
     */
    public SwinStage stage(int i) {
        return layers.get(i);
    }

    /** @return the final LayerNorm (used by FIBER only on the image-only path) */
    public LayerNormLayer norm() {
        return norm;
    }

    /**
     * All four stages without fusion (official {@code infer_caption} image path; no final norm).
     *
     * @param ctx forward context
     * @param image (B, 3, S, S)
     * @return (B, (S/32)^2, num_features)
     */
    public NDArray forwardUnfused(ForwardContext ctx, NDArray image) {
        NDArray x = patchEmbed.forward(ctx, image);
        for (SwinStage s : layers.members()) {
            x = s.forward(ctx, x);
        }
        return x;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        ForwardContext ctx = new ForwardContext(ps, training);
        return new NDList(norm.forward(ctx, forwardUnfused(ctx, inputs.singletonOrThrow())));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        long side = s.get(2) / 32;
        return new Shape[] {new Shape(s.get(0), side * side, numFeatures)};
    }
}
