package dev.fiber.tasks.grounding;

import dev.fiber.tasks.grounding.post.PostProcessConfig;

/**
 * The configuration of FIBER's fine-grained model that is not recoverable from checkpoint shapes
 * (everything else — widths, depths, heads of Swin, label columns — is read from the weights).
 *
 * @param textHeads RoBERTa attention heads (12 for roberta-base)
 * @param groupNormGroups {@code MODEL.GROUP_NORM.NUM_GROUPS} of the DyHead's GroupNorm (16)
 * @param anchorStrides {@code MODEL.RPN.ANCHOR_STRIDE} (8, 16, 32, 64, 128)
 * @param maxQueryLength {@code MODEL.LANGUAGE_BACKBONE.MAX_QUERY_LEN} (256; the text is padded to it)
 * @param minSizeTest {@code INPUT.MIN_SIZE_TEST} (800)
 * @param maxSizeTest {@code INPUT.MAX_SIZE_TEST} (1333)
 * @param sizeDivisibility {@code DATALOADER.SIZE_DIVISIBILITY} (32)
 * @param post the ATSS post-processing parameters
 */
public record GroundingConfig(int textHeads, int groupNormGroups, int[] anchorStrides, int maxQueryLength,
        int minSizeTest, int maxSizeTest, int sizeDivisibility, PostProcessConfig post) {

    /** Validates the values. */
    public GroundingConfig {
        if (textHeads <= 0 || groupNormGroups <= 0 || anchorStrides.length == 0 || maxQueryLength <= 0
                || minSizeTest <= 0 || maxSizeTest <= 0 || sizeDivisibility < 0) {
            throw new IllegalArgumentException("invalid grounding configuration");
        }
        anchorStrides = anchorStrides.clone();
    }

    /** @return the configuration of the released FIBER-B fine-grained model */
    public static GroundingConfig fiberB() {
        return new GroundingConfig(12, 16, new int[] {8, 16, 32, 64, 128}, 256, 800, 1333, 32,
                PostProcessConfig.fiberB());
    }

    /**
     * @param p new post-processing parameters
     * @return a copy with them
     */
    public GroundingConfig withPost(PostProcessConfig p) {
        return new GroundingConfig(textHeads, groupNormGroups, anchorStrides, maxQueryLength, minSizeTest,
                maxSizeTest, sizeDivisibility, p);
    }

    @Override
    public int[] anchorStrides() {
        return anchorStrides.clone();
    }
}
