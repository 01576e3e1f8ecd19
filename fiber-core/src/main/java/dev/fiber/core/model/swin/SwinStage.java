package dev.fiber.core.model.swin;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.core.model.ForwardContext;
import dev.fiber.core.model.ModuleList;
import dev.fiber.core.model.StateDictBlock;

/**
 * One Swin stage ({@code BasicLayer}): {@code blocks} (alternating regular / shifted windows) and an
 * optional {@code downsample} ({@link PatchMerging}) at its end. FIBER drives the blocks of stages 3
 * and 4 one by one to interleave them with text layers; {@link #forward} runs the stage image-only.
 */
public final class SwinStage extends StateDictBlock {

    private final ModuleList<SwinBlock> blocks;
    private final PatchMerging downsample;
    private final int height;
    private final int width;
    private final int dim;

    /**
     * @param blocks the stage's blocks (already built)
     * @param downsample patch merging, or {@code null} for the last stage
     * @param height grid height
     * @param width grid width
     * @param dim width
     */
    public SwinStage(ModuleList<SwinBlock> blocks, PatchMerging downsample, int height, int width, int dim) {
        this.blocks = child("blocks", blocks);
        this.downsample = downsample == null ? null : child("downsample", downsample);
        this.height = height;
        this.width = width;
        this.dim = dim;
    }

    /**
     * @param i block index
     * @return the i-th block
     */
    public SwinBlock block(int i) {
        return blocks.get(i);
    }

    /** @return number of blocks */
    public int depth() {
        return blocks.size();
    }

    /** @return patch merging at the end, or {@code null} */
    public PatchMerging downsample() {
        return downsample;
    }

    /**
     * Image-only pass (official {@code BasicLayer.forward} without text).
     *
     * @param ctx forward context
     * @param x (B, H*W, C)
     * @return output tokens, merged if the stage downsamples
     */
    public NDArray forward(ForwardContext ctx, NDArray x) {
        NDArray y = x;
        for (SwinBlock b : blocks.members()) {
            y = b.forward(ctx, y, null, null);
        }
        return downsample == null ? y : downsample.forward(ctx, y);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(new ForwardContext(ps, training), inputs.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        if (downsample != null) {
            return downsample.getOutputShapes(inputShapes);
        }
        return new Shape[] {new Shape(inputShapes[0].get(0), (long) height * width, dim)};
    }
}
