package dev.fiber.tasks.grounding.backbone;

/**
 * Structure of the fusion Swin Transformer, read from checkpoint shapes.
 *
 * @param embedDim stage-1 width C (stage s has {@code C * 2^s})
 * @param patch patch size (4)
 * @param depths blocks per stage
 * @param heads heads per stage
 * @param window window size
 * @param mlpHidden MLP hidden width per stage
 * @param textDims per stage and block, the text width of its image-to-text fusion weights (0 = none)
 * @param stageNorm per stage, whether an output norm {@code norm{s}} exists
 * @param fusionQueryNorm whether fused blocks normalise the image-to-text query ({@code norm_i2t_i},
 *     fusion version v3)
 */
public record SwinSpec(long embedDim, int patch, int[] depths, int[] heads, int window, long[] mlpHidden,
        long[][] textDims, boolean[] stageNorm, boolean fusionQueryNorm) {

    /** Validates the structure. */
    public SwinSpec {
        int n = depths.length;
        if (n == 0 || heads.length != n || mlpHidden.length != n || textDims.length != n || stageNorm.length != n) {
            throw new IllegalArgumentException("inconsistent swin stage lists");
        }
        for (int s = 0; s < n; s++) {
            if (textDims[s].length != depths[s]) {
                throw new IllegalArgumentException("stage " + s + ": " + textDims[s].length + " fusion widths for "
                        + depths[s] + " blocks");
            }
        }
    }

    /**
     * @param s stage index
     * @return channels of stage {@code s}
     */
    public long dim(int s) {
        return embedDim << s;
    }

    /**
     * @param s stage index
     * @return MLP hidden width of stage {@code s}
     */
    public long mlpHidden(int s) {
        return mlpHidden[s];
    }
}
