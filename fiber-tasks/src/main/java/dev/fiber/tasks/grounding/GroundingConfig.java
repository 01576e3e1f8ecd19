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
 * @param separator {@code DATASETS.SEPARATION_TOKENS} between category names of a detection prompt ({@code ". "})
 * @param detectionChunk {@code TEST.CHUNKED_EVALUATION}: categories per detection prompt (-1: all in one)
 * @param aggregateClassNum {@code TEST.MDETR_STYLE_AGGREGATE_CLASS_NUM}: number of label columns if not -1
 *     (otherwise the {@code cls_logits} channel count limits the label ids)
 * @param post the ATSS post-processing parameters
 */
public record GroundingConfig(int textHeads, int groupNormGroups, int[] anchorStrides, int maxQueryLength,
        int minSizeTest, int maxSizeTest, int sizeDivisibility, String separator, int detectionChunk,
        int aggregateClassNum, PostProcessConfig post) {

    /** Validates the values. */
    public GroundingConfig {
        if (textHeads <= 0 || groupNormGroups <= 0 || anchorStrides.length == 0 || maxQueryLength <= 0
                || minSizeTest <= 0 || maxSizeTest <= 0 || sizeDivisibility < 0 || separator == null
                || detectionChunk == 0 || detectionChunk < -1 || aggregateClassNum == 0 || aggregateClassNum < -1) {
            throw new IllegalArgumentException("invalid grounding configuration");
        }
        anchorStrides = anchorStrides.clone();
    }

    /** @return the configuration of the released FIBER-B fine-grained model */
    public static GroundingConfig fiberB() {
        return new GroundingConfig(12, 16, new int[] {8, 16, 32, 64, 128}, 256, 800, 1333, 32, ". ", -1, -1,
                PostProcessConfig.fiberB());
    }

    /**
     * Reads the values from a FIBER configuration (an official {@code configs/*.yaml} or a full dump); keys
     * that are absent keep FIBER-B's values. Settings this port does not implement are rejected.
     *
     * @param yaml the configuration
     * @param textHeads RoBERTa heads (not part of FIBER's configuration: roberta-base has 12)
     * @return the configuration
     * @throws IllegalArgumentException for unsupported settings
     */
    public static GroundingConfig fromYacs(YacsConfig yaml, int textHeads) {
        GroundingConfig d = fiberB();
        require(yaml, "MODEL.META_ARCHITECTURE", "GeneralizedVLRCNN");
        require(yaml, "MODEL.RPN_ARCHITECTURE", "VLDYHEAD");
        require(yaml, "MODEL.SWINT.VERSION", "fusion");
        String fusion = yaml.string("MODEL.BACKBONE.FUSION_VERSION", "v2");
        if (!fusion.equals("v2") && !fusion.equals("v3")) {
            throw new IllegalArgumentException("MODEL.BACKBONE.FUSION_VERSION = " + fusion + " is not supported (v2, v3)");
        }
        require(yaml, "MODEL.LANGUAGE_BACKBONE.MODEL_TYPE", "roberta-fused-v2");
        require(yaml, "MODEL.DYHEAD.SCORE_AGG", "MEAN");
        if (yaml.bool("MODEL.DYHEAD.FUSE_CONFIG.EARLY_FUSE_ON", false)) {
            throw new IllegalArgumentException("MODEL.DYHEAD.FUSE_CONFIG.EARLY_FUSE_ON=True (fusion in the head) is not supported");
        }
        if (!yaml.bool("MODEL.DYHEAD.FUSE_CONFIG.USE_DOT_PRODUCT_TOKEN_LOSS", true)) {
            throw new IllegalArgumentException("only the dot-product token head is supported");
        }
        if (yaml.bool("DATASETS.USE_CAPTION_PROMPT", false) || yaml.bool("DATASETS.USE_SUPRESS_QUERY", false)) {
            throw new IllegalArgumentException("caption prompts and suppression queries are not supported");
        }
        PostProcessConfig post = new PostProcessConfig(
                (float) yaml.number("MODEL.ATSS.INFERENCE_TH", d.post.inferenceThreshold()),
                yaml.integer("MODEL.ATSS.PRE_NMS_TOP_N", d.post.preNmsTopN()),
                (float) yaml.number("MODEL.ATSS.NMS_TH", d.post.nmsThreshold()),
                yaml.integer("MODEL.ATSS.DETECTIONS_PER_IMG", d.post.detectionsPerImage()));
        return new GroundingConfig(textHeads,
                yaml.integer("MODEL.GROUP_NORM.NUM_GROUPS", d.groupNormGroups),
                yaml.integers("MODEL.RPN.ANCHOR_STRIDE", d.anchorStrides),
                yaml.integer("MODEL.LANGUAGE_BACKBONE.MAX_QUERY_LEN", d.maxQueryLength),
                yaml.integer("INPUT.MIN_SIZE_TEST", d.minSizeTest),
                yaml.integer("INPUT.MAX_SIZE_TEST", d.maxSizeTest),
                yaml.integer("DATALOADER.SIZE_DIVISIBILITY", d.sizeDivisibility),
                yaml.string("DATASETS.SEPARATION_TOKENS", d.separator),
                yaml.integer("TEST.CHUNKED_EVALUATION", d.detectionChunk),
                yaml.integer("TEST.MDETR_STYLE_AGGREGATE_CLASS_NUM", d.aggregateClassNum),
                post);
    }

    private static void require(YacsConfig yaml, String key, String supported) {
        String v = yaml.string(key, supported);
        if (!v.equals(supported)) {
            throw new IllegalArgumentException(key + " = " + v + " is not supported (only " + supported + ")");
        }
    }

    /**
     * @param p new post-processing parameters
     * @return a copy with them
     */
    public GroundingConfig withPost(PostProcessConfig p) {
        return new GroundingConfig(textHeads, groupNormGroups, anchorStrides, maxQueryLength, minSizeTest,
                maxSizeTest, sizeDivisibility, separator, detectionChunk, aggregateClassNum, p);
    }

    /**
     * @param heads RoBERTa attention heads
     * @return a copy with them
     */
    public GroundingConfig withTextHeads(int heads) {
        return new GroundingConfig(heads, groupNormGroups, anchorStrides, maxQueryLength, minSizeTest,
                maxSizeTest, sizeDivisibility, separator, detectionChunk, aggregateClassNum, post);
    }

    /**
     * @param chunk categories per detection prompt (-1: all in one prompt)
     * @return a copy with it
     */
    public GroundingConfig withDetectionChunk(int chunk) {
        return new GroundingConfig(textHeads, groupNormGroups, anchorStrides, maxQueryLength, minSizeTest,
                maxSizeTest, sizeDivisibility, separator, chunk, aggregateClassNum, post);
    }

    @Override
    public int[] anchorStrides() {
        return anchorStrides.clone();
    }
}
