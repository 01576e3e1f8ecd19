package dev.fiber.core.config;

import com.google.gson.annotations.SerializedName;
import java.util.List;

/**
 * Architecture of the Swin Transformer image backbone ({@code vit_model}) of FIBER, mirroring the
 * keyword arguments the official {@code swin_transformer.SwinTransformer} receives from its timm
 * variant (e.g. {@code swin_base_patch4_window12_384_in22k}). JSON names follow the keys of the
 * reference checkpoints' {@code refgen_arch.swin} section.
 *
 * <p>The window size is not part of this record: FIBER always uses {@code image_size / 32}
 * ({@link FiberConfig#windowSize()}), whatever the variant name says.
 *
 * @param patchSize side of the square patches of the patch-embedding convolution (4)
 * @param inChans input image channels (3)
 * @param embedDim width of stage 1; stage {@code i} has width {@code embedDim * 2^i}
 * @param depths number of Swin blocks per stage; FIBER hard-wires {@code (2, 2, 18, 2)}
 * @param numHeads attention heads per stage
 * @param mlpRatio hidden width of each block's MLP relative to the block width
 * @param qkvBias whether the window-attention {@code qkv} projections (and the image-to-text
 *     projections) have biases
 * @param ape absolute position embedding (FIBER: false; true is rejected)
 * @param patchNorm LayerNorm after the patch-embedding convolution
 * @param layerNormEps epsilon of every Swin LayerNorm (1e-5)
 * @param dimText width of the text states the fused Swin blocks attend to (the input width of
 *     {@code qkv_text_i2t}); official FIBER has the constant 768 here (the DIM_TXT typo, quirk 9)
 * @param dropPathRate stochastic-depth rate of the last block; block {@code k} of 24 uses
 *     {@code dropPathRate * k / 23} (official {@code linspace(0, 0.1, 24)}), active in training only
 */
public record SwinConfig(
        @SerializedName("patch_size") int patchSize,
        @SerializedName("in_chans") int inChans,
        @SerializedName("embed_dim") int embedDim,
        @SerializedName("depths") List<Integer> depths,
        @SerializedName("num_heads") List<Integer> numHeads,
        @SerializedName("mlp_ratio") double mlpRatio,
        @SerializedName("qkv_bias") boolean qkvBias,
        @SerializedName("ape") boolean ape,
        @SerializedName("patch_norm") boolean patchNorm,
        @SerializedName("layer_norm_eps") double layerNormEps,
        @SerializedName("dim_text") int dimText,
        @SerializedName("drop_path_rate") double dropPathRate) {

    /** Validates and copies the lists. */
    public SwinConfig {
        depths = List.copyOf(depths);
        numHeads = List.copyOf(numHeads);
        if (depths.size() != numHeads.size()) {
            throw new IllegalArgumentException("swin: depths " + depths + " and num_heads " + numHeads + " differ in length");
        }
        if (patchSize <= 0 || inChans <= 0 || embedDim <= 0 || dimText <= 0) {
            throw new IllegalArgumentException("swin: patch_size, in_chans, embed_dim and dim_text must be positive");
        }
        for (int i = 0; i < numHeads.size(); i++) {
            int dim = stageDim(embedDim, i);
            if (numHeads.get(i) <= 0 || dim % numHeads.get(i) != 0) {
                throw new IllegalArgumentException("swin: stage " + i + " width " + dim + " is not divisible by " + numHeads.get(i) + " heads");
            }
        }
        if (mlpRatio <= 0 || layerNormEps <= 0 || dropPathRate < 0 || dropPathRate >= 1) {
            throw new IllegalArgumentException("swin: mlp_ratio and layer_norm_eps must be positive, drop_path_rate in [0, 1)");
        }
    }

    private static int stageDim(int embedDim, int stage) {
        return embedDim << stage;
    }

    /**
     * @param stage stage index (0-based)
     * @return the width of that stage ({@code embed_dim * 2^stage})
     */
    public int stageDim(int stage) {
        return stageDim(embedDim, stage);
    }

    /** @return the width after the last stage ({@code num_features} in timm) */
    public int numFeatures() {
        return stageDim(depths.size() - 1);
    }

    /** @return total number of Swin blocks over all stages */
    public int totalBlocks() {
        return depths.stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * The timm/official Swin-B of {@code swin_base_patch4_window12_384_in22k}: embed 128, depths
     * (2, 2, 18, 2), heads (4, 8, 16, 32), MLP ratio 4, text width 768.
     *
     * @return the Swin-B architecture
     */
    public static SwinConfig swinBase() {
        return new SwinConfig(4, 3, 128, List.of(2, 2, 18, 2), List.of(4, 8, 16, 32), 4.0, true, false, true, 1e-5, 768, 0.1);
    }

    /**
     * @return Swin-L ({@code swin_large_patch4_window12_384_in22k}): embed 192, heads (6, 12, 24, 48)
     */
    public static SwinConfig swinLarge() {
        return new SwinConfig(4, 3, 192, List.of(2, 2, 18, 2), List.of(6, 12, 24, 48), 4.0, true, false, true, 1e-5, 768, 0.1);
    }

    /**
     * @return Swin-S ({@code swin_small_patch4_window7_224}): embed 96, heads (3, 6, 12, 24)
     */
    public static SwinConfig swinSmall() {
        return new SwinConfig(4, 3, 96, List.of(2, 2, 18, 2), List.of(3, 6, 12, 24), 4.0, true, false, true, 1e-5, 768, 0.1);
    }

    /**
     * Looks up the architecture of a timm Swin variant name as used in FIBER's {@code vit} config key.
     *
     * @param variant e.g. {@code swin_base_patch4_window12_384_in22k}
     * @return the architecture, or {@code null} if the name is not one FIBER can use
     */
    public static SwinConfig forVariant(String variant) {
        if (variant == null) {
            return null;
        }
        if (variant.startsWith("swin_base_patch4")) {
            return swinBase();
        }
        if (variant.startsWith("swin_large_patch4")) {
            return swinLarge();
        }
        if (variant.startsWith("swin_small_patch4")) {
            return swinSmall();
        }
        return null;
    }

    /**
     * @param newDimText text width for the image-to-text attention
     * @return a copy with another {@code dim_text}
     */
    public SwinConfig withDimText(int newDimText) {
        return new SwinConfig(patchSize, inChans, embedDim, depths, numHeads, mlpRatio, qkvBias, ape, patchNorm, layerNormEps, newDimText, dropPathRate);
    }
}
