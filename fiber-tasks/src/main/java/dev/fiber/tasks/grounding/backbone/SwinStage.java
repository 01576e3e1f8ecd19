package dev.fiber.tasks.grounding.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.tasks.grounding.nn.Container;
import dev.fiber.tasks.grounding.nn.StateBlock;

/**
 * One Swin stage ({@code BasicLayer}, key {@code layers.{s}}): {@code blocks.{b}} alternating regular and
 * shifted windows, and the optional {@code downsample} ({@link PatchMerging}) applied after the stage.
 */
public final class SwinStage extends StateBlock {

    private final SwinBlock[] blocks;
    private final PatchMerging downsample;
    private final int window;
    private final long dim;

    /**
     * @param dim channels
     * @param heads heads
     * @param window window size
     * @param mlpHidden MLP hidden width
     * @param textDims per block, the text width of its fusion weights (0 = plain block)
     * @param queryNorm whether fused blocks have v3's {@code norm_i2t_i}
     * @param withDownsample whether the stage ends with patch merging
     */
    public SwinStage(long dim, int heads, int window, long mlpHidden, long[] textDims, boolean queryNorm,
            boolean withDownsample) {
        this.window = window;
        this.dim = dim;
        Container list = child("blocks", new Container());
        blocks = new SwinBlock[textDims.length];
        for (int b = 0; b < blocks.length; b++) {
            blocks[b] = list.add(Integer.toString(b),
                    new SwinBlock(dim, heads, window, b % 2 == 0 ? 0 : window / 2, mlpHidden, textDims[b], queryNorm));
        }
        downsample = withDownsample ? child("downsample", new PatchMerging(dim)) : null;
    }

    /** @return number of blocks */
    public int depth() {
        return blocks.length;
    }

    /**
     * @param i block index
     * @return the block
     */
    public SwinBlock block(int i) {
        return blocks[i];
    }

    /** @return the patch merging module, or {@code null} for the last stage */
    public PatchMerging downsample() {
        return downsample;
    }

    /** @return channels of this stage */
    public long dim() {
        return dim;
    }

    /**
     * The stage's shifted-window mask for a map of the given size.
     *
     * @param manager owner
     * @param h height
     * @param w width
     * @return {@code (nW, W*W, W*W)}
     */
    public NDArray shiftMask(NDManager manager, int h, int w) {
        return ShiftedWindowMask.build(manager, h, w, window, window / 2);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        // (B, H, W, C) -> stage output (B, H, W, C), without fusion and without the downsample
        NDArray x = in.head();
        Shape s = x.getShape();
        int h = (int) s.get(1);
        int w = (int) s.get(2);
        NDArray mask = shiftMask(x.getManager(), h, w);
        NDArray t = x.reshape(s.get(0), (long) h * w, dim);
        for (SwinBlock b : blocks) {
            t = b.forward(t, h, w, mask, null, null);
        }
        return new NDList(t.reshape(s));
    }

    @Override
    protected Shape[] outputShapes(Shape[] in) {
        return new Shape[] {in[0]};
    }
}
