package dev.fiber.core.config;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.annotations.SerializedName;
import com.google.gson.reflect.TypeToken;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The architecture of a FIBER coarse-grained model ({@code FIBERTransformerSS} of
 * {@code coarse_grained/fiber/modules/fiber_module.py}): every hyper-parameter that shapes the
 * network, named after the keys of the official {@code config.py} / the Lightning checkpoint's
 * {@code hyper_parameters.config} (JSON names are exactly those keys), plus the Swin and RoBERTa
 * sub-architectures that the official code takes from the timm variant and HuggingFace config.
 *
 * <p>Heads exist as in the official constructor: {@link #hasMlmHead()} for {@code mlm} or any
 * captioning loss, {@link #hasItm()} ({@code itm_score} and {@code rank_output}), {@link #hasItc()}
 * (the learnable {@code temp}), {@link #hasCaption()} ({@code cross_modal_att_layers}),
 * {@link #hasVqa()}, {@link #hasNlvr2()}. The ITC transforms and poolers always exist (with
 * {@code itc_pooler}).
 *
 * @param imageSize input resolution (square); the Swin window is {@code image_size / 32}
 * @param resolutionBefore resolution the checkpoint was trained at (official
 *     {@code resolution_before}); informational, the loader reads the stored tables' sizes
 * @param vit timm variant name of the image backbone
 * @param tokenizer HuggingFace name of the text encoder / tokenizer ({@code roberta-base})
 * @param inputImageEmbedSize width of the last Swin stage (1024 for Swin-B)
 * @param inputTextEmbedSize width of the RoBERTa states (768)
 * @param hiddenSize width of the cross-modal features after the final transforms (768)
 * @param numHeads heads of the MLM head's BERT config (unused by the computation)
 * @param numLayers number of text layers (12; hard-wired by the fusion schedule)
 * @param mlpRatio MLP ratio of the MLM head's BERT config (unused by the computation)
 * @param dropRate dropout of the MLM head's BERT config (the head has no dropout layer)
 * @param numFuseBlock number of fused (cross-attending) text layers at the top (6)
 * @param maxTextLen text length used by the data pipeline (40 pre-training, 50 fine-tuning)
 * @param vocabSize vocabulary size of the MLM / caption head (50265)
 * @param vqav2LabelSize number of VQA answers (3129)
 * @param itcPooler whether the ITC paths use {@code cross_modal_*_pooler_itc}
 * @param lossNames the official {@code loss_names} map (task -> weight), deciding which heads exist
 * @param swin Swin architecture
 * @param text RoBERTa architecture
 */
public record FiberConfig(
        @SerializedName("image_size") int imageSize,
        @SerializedName("resolution_before") int resolutionBefore,
        @SerializedName("vit") String vit,
        @SerializedName("tokenizer") String tokenizer,
        @SerializedName("input_image_embed_size") int inputImageEmbedSize,
        @SerializedName("input_text_embed_size") int inputTextEmbedSize,
        @SerializedName("hidden_size") int hiddenSize,
        @SerializedName("num_heads") int numHeads,
        @SerializedName("num_layers") int numLayers,
        @SerializedName("mlp_ratio") int mlpRatio,
        @SerializedName("drop_rate") double dropRate,
        @SerializedName("num_fuse_block") int numFuseBlock,
        @SerializedName("max_text_len") int maxTextLen,
        @SerializedName("vocab_size") int vocabSize,
        @SerializedName("vqav2_label_size") int vqav2LabelSize,
        @SerializedName("itc_pooler") boolean itcPooler,
        @SerializedName("loss_names") Map<String, Integer> lossNames,
        @SerializedName("swin") SwinConfig swin,
        @SerializedName("text") TextConfig text) {

    /** The official {@code loss_names} keys, in {@code config.py} order. */
    public static final List<String> LOSS_NAMES =
            List.of("itm", "itc", "mlm", "vqa", "nlvr2", "caption_mle", "caption_gold", "caption_cider");

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    /** Validates the architecture against what the official (hard-wired) code can build. */
    public FiberConfig {
        if (swin == null || text == null) {
            throw new IllegalArgumentException("config: swin and text architectures are required");
        }
        Map<String, Integer> ln = new LinkedHashMap<>();
        for (String k : LOSS_NAMES) {
            ln.put(k, 0);
        }
        if (lossNames != null) {
            for (Map.Entry<String, Integer> e : lossNames.entrySet()) {
                if (!LOSS_NAMES.contains(e.getKey())) {
                    throw new IllegalArgumentException("config: unknown loss name '" + e.getKey() + "' (known: " + LOSS_NAMES + ")");
                }
                ln.put(e.getKey(), e.getValue() == null ? 0 : e.getValue());
            }
        }
        lossNames = java.util.Collections.unmodifiableMap(ln);
        if (imageSize <= 0 || imageSize % 32 != 0) {
            throw new IllegalArgumentException("config: image_size must be a positive multiple of 32 (window = image_size/32), got " + imageSize);
        }
        if (swin.patchSize() != 4) {
            throw new IllegalArgumentException("config: FIBER's Swin uses patch size 4 (window = image_size/32 assumes it), got " + swin.patchSize());
        }
        if (!swin.depths().equals(List.of(2, 2, 18, 2))) {
            throw new IllegalArgumentException("config: FIBER's fusion schedule is hard-wired to Swin depths (2, 2, 18, 2), got " + swin.depths());
        }
        if (swin.ape()) {
            throw new IllegalArgumentException("config: absolute position embeddings (ape) are not used by FIBER and not supported");
        }
        if (numLayers != 12 || text.numHiddenLayers() != 12) {
            throw new IllegalArgumentException("config: FIBER's fusion schedule is hard-wired to 12 text layers, got num_layers "
                    + numLayers + ", text layers " + text.numHiddenLayers());
        }
        if (numFuseBlock < 2 || numFuseBlock > 12) {
            throw new IllegalArgumentException("config: num_fuse_block must be in [2, 12] (text layers 10-11 always fuse with Swin stage 4), got " + numFuseBlock);
        }
        if (inputImageEmbedSize != swin.numFeatures()) {
            throw new IllegalArgumentException("config: input_image_embed_size " + inputImageEmbedSize
                    + " must equal the last Swin stage width " + swin.numFeatures());
        }
        if (inputTextEmbedSize != text.hiddenSize()) {
            throw new IllegalArgumentException("config: input_text_embed_size " + inputTextEmbedSize
                    + " must equal the RoBERTa hidden size " + text.hiddenSize());
        }
        if (hiddenSize <= 0 || vocabSize <= 0 || vqav2LabelSize <= 0 || maxTextLen <= 0) {
            throw new IllegalArgumentException("config: hidden_size, vocab_size, vqav2_label_size and max_text_len must be positive");
        }
        if (maxTextLen > text.maxPositionEmbeddings() - text.padTokenId() - 1) {
            throw new IllegalArgumentException("config: max_text_len " + maxTextLen + " exceeds the "
                    + (text.maxPositionEmbeddings() - text.padTokenId() - 1) + " positions RoBERTa can embed");
        }
        if (vit == null) {
            vit = "";
        }
        if (tokenizer == null) {
            tokenizer = "roberta-base";
        }
    }

    /**
     * The official FIBER-B coarse-grained model at 384x384 (defaults of {@code config.py}:
     * {@code swin_base_patch4_window12_384_in22k} + {@code roberta-base}, hidden 768,
     * 6 fused layers, max_text_len 40, 3129 VQA answers) with the pre-training heads
     * (itm, itc, mlm) of the default {@code loss_names}.
     *
     * @return the FIBER-B configuration
     */
    public static FiberConfig fiberBase384() {
        Map<String, Integer> ln = new LinkedHashMap<>();
        ln.put("itm", 1);
        ln.put("itc", 1);
        ln.put("mlm", 1);
        return new FiberConfig(384, 384, "swin_base_patch4_window12_384_in22k", "roberta-base", 1024, 768, 768, 12, 12, 4, 0.1,
                6, 40, 50265, 3129, true, ln, SwinConfig.swinBase(), TextConfig.robertaBase());
    }

    /** @return the Swin window size, always {@code image_size / 32} in FIBER */
    public int windowSize() {
        return imageSize / 32;
    }

    /** @return the side of the patch grid after the patch embedding ({@code image_size / 4}) */
    public int patchGrid() {
        return imageSize / swin.patchSize();
    }

    /** @return number of text layers below the fusion (uni-modal), {@code num_layers - num_fuse_block} */
    public int numPreTextLayers() {
        return numLayers - numFuseBlock;
    }

    /** @return the first stage-3 Swin block with image-to-text attention ({@code 20 - num_fuse_block}) */
    public int firstFusedStage3Block() {
        return 20 - numFuseBlock;
    }

    private boolean loss(String name) {
        return lossNames.getOrDefault(name, 0) > 0;
    }

    /** @return whether {@code itm_score} (and the tied {@code rank_output}) exist */
    public boolean hasItm() {
        return loss("itm");
    }

    /** @return whether the ITC temperature {@code temp} (and the official queues) exist */
    public boolean hasItc() {
        return loss("itc");
    }

    /** @return whether any captioning loss is on ({@code cross_modal_att_layers} exist) */
    public boolean hasCaption() {
        return loss("caption_mle") || loss("caption_gold") || loss("caption_cider");
    }

    /** @return whether {@code mlm_score} exists (MLM or captioning) */
    public boolean hasMlmHead() {
        return loss("mlm") || hasCaption();
    }

    /** @return whether {@code vqa_classifier} exists */
    public boolean hasVqa() {
        return loss("vqa");
    }

    /** @return whether {@code nlvr2_classifier} exists */
    public boolean hasNlvr2() {
        return loss("nlvr2");
    }

    /**
     * @param size new input resolution (multiple of 32)
     * @return a copy at another resolution (the window becomes {@code size / 32})
     */
    public FiberConfig withImageSize(int size) {
        return new FiberConfig(size, resolutionBefore, vit, tokenizer, inputImageEmbedSize, inputTextEmbedSize, hiddenSize, numHeads,
                numLayers, mlpRatio, dropRate, numFuseBlock, maxTextLen, vocabSize, vqav2LabelSize, itcPooler, lossNames, swin, text);
    }

    /**
     * @param names the {@code loss_names} deciding which heads exist (missing keys are 0)
     * @return a copy with other heads
     */
    public FiberConfig withLossNames(Map<String, Integer> names) {
        return new FiberConfig(imageSize, resolutionBefore, vit, tokenizer, inputImageEmbedSize, inputTextEmbedSize, hiddenSize, numHeads,
                numLayers, mlpRatio, dropRate, numFuseBlock, maxTextLen, vocabSize, vqav2LabelSize, itcPooler, names, swin, text);
    }

    /**
     * @param len new {@code max_text_len}
     * @return a copy with another maximum text length
     */
    public FiberConfig withMaxTextLen(int len) {
        return new FiberConfig(imageSize, resolutionBefore, vit, tokenizer, inputImageEmbedSize, inputTextEmbedSize, hiddenSize, numHeads,
                numLayers, mlpRatio, dropRate, numFuseBlock, len, vocabSize, vqav2LabelSize, itcPooler, lossNames, swin, text);
    }

    /** @return this configuration as JSON (official key names; {@code swin} / {@code text} sections) */
    public String toJson() {
        return GSON.toJson(this);
    }

    /**
     * Parses JSON written by {@link #toJson()}, or an official FIBER config dict (keys of
     * {@code config.py}, optionally with a {@code refgen_arch} section); missing keys take the
     * official defaults ({@link #fiberBase384()}).
     *
     * @param json the JSON text
     * @return the configuration
     * @throws IllegalArgumentException if the JSON is malformed or describes an unsupported model
     */
    public static FiberConfig fromJson(String json) {
        Map<String, Object> map;
        try {
            map = GSON.fromJson(json, new TypeToken<LinkedHashMap<String, Object>>() {}.getType());
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("config: malformed JSON: " + e.getMessage(), e);
        }
        if (map == null) {
            throw new IllegalArgumentException("config: empty JSON");
        }
        return ConfigResolver.resolve(map, null);
    }

    /**
     * Builds the configuration of a checkpoint: its stored {@code hyper_parameters.config} when
     * present (with {@code refgen_arch} sections when present, otherwise the Swin / RoBERTa
     * architectures named by {@code vit} / {@code tokenizer}), completed from the state-dict tensor
     * shapes where the config does not say (and always the image-to-text text width, quirk 9).
     *
     * @param checkpointConfig the stored config dict, or {@code null}
     * @param shapes state-dict key -> tensor shape, or {@code null}
     * @return the configuration
     */
    public static FiberConfig fromCheckpoint(Map<String, Object> checkpointConfig, Map<String, long[]> shapes) {
        return ConfigResolver.resolve(checkpointConfig, shapes);
    }
}
