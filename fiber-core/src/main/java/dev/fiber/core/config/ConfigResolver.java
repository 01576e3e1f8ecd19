package dev.fiber.core.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an official FIBER config dict (from a checkpoint's {@code hyper_parameters.config}, or
 * JSON) and/or a state dict's tensor shapes into a {@link FiberConfig}.
 *
 * <p>Precedence: the config dict's own keys; its {@code swin}/{@code text} sections or
 * {@code refgen_arch.swin}/{@code refgen_arch.text} (the reference checkpoints pin the
 * architectures there); the architectures named by {@code vit}/{@code tokenizer}; the tensor shapes;
 * the official defaults. The image-to-text text width ({@code dim_text}) is always taken from the
 * shapes when they are given, because the official code ignores {@code input_text_embed_size} there
 * (the DIM_TXT typo, quirk 9).
 */
final class ConfigResolver {

    private static final Pattern SWIN_BLOCK = Pattern.compile("^vit_model\\.layers\\.(\\d+)\\.blocks\\.(\\d+)\\.");
    private static final Pattern TEXT_LAYER = Pattern.compile("^text_transformer\\.encoder\\.layer\\.(\\d+)\\.");
    private static final Pattern CROSS_LAYER = Pattern.compile("^text_transformer\\.encoder\\.layer\\.(\\d+)\\.crossattention_t2i\\.");

    private ConfigResolver() {}

    static FiberConfig resolve(Map<String, Object> cfg, Map<String, long[]> shapes) {
        Map<String, Object> c = cfg == null ? Map.of() : cfg;
        boolean haveConfig = !c.isEmpty();
        FiberConfig base = FiberConfig.fiberBase384();
        Map<String, Object> refgen = asMap(c.get("refgen_arch"), "refgen_arch");

        String vit = str(c, "vit", haveConfig ? base.vit() : "");
        String tokenizer = str(c, "tokenizer", base.tokenizer());

        SwinConfig swin;
        if (c.get("swin") != null) {
            swin = swinFromMap(asMap(c.get("swin"), "swin"));
        } else if (refgen.get("swin") != null) {
            swin = swinFromMap(asMap(refgen.get("swin"), "refgen_arch.swin"));
        } else if (haveConfig && SwinConfig.forVariant(vit) != null) {
            swin = SwinConfig.forVariant(vit);
        } else if (shapes != null) {
            swin = swinFromShapes(shapes);
        } else if (!haveConfig) {
            swin = base.swin();
        } else {
            throw new IllegalArgumentException("config: unknown Swin variant '" + vit + "' and no tensor shapes to infer it from");
        }

        TextConfig text;
        if (c.get("text") != null) {
            text = textFromMap(asMap(c.get("text"), "text"));
        } else if (refgen.get("text") != null) {
            text = textFromMap(asMap(refgen.get("text"), "refgen_arch.text"));
        } else if (haveConfig && "roberta-base".equals(tokenizer)) {
            text = TextConfig.robertaBase();
        } else if (shapes != null) {
            text = textFromShapes(shapes);
        } else if (!haveConfig) {
            text = base.text();
        } else {
            throw new IllegalArgumentException("config: unknown text encoder '" + tokenizer + "' and no tensor shapes to infer it from");
        }

        if (shapes != null) {
            for (Map.Entry<String, long[]> e : shapes.entrySet()) {
                if (e.getKey().startsWith("vit_model.") && e.getKey().endsWith(".attn.qkv_text_i2t.weight") && e.getValue().length == 2) {
                    swin = swin.withDimText((int) e.getValue()[1]);
                    break;
                }
            }
        }

        int imageSize;
        int inputImage;
        int inputText;
        int hidden;
        int vqaLabels;
        int vocab;
        int nfb;
        Map<String, Integer> lossNames;
        if (haveConfig || shapes == null) {
            imageSize = intOf(c, "image_size", base.imageSize());
            inputImage = intOf(c, "input_image_embed_size", swin.numFeatures());
            inputText = intOf(c, "input_text_embed_size", text.hiddenSize());
            hidden = intOf(c, "hidden_size", base.hiddenSize());
            vqaLabels = intOf(c, "vqav2_label_size", base.vqav2LabelSize());
            vocab = intOf(c, "vocab_size", base.vocabSize());
            nfb = intOf(c, "num_fuse_block", base.numFuseBlock());
            lossNames = c.containsKey("loss_names") ? lossNames(c.get("loss_names")) : base.lossNames();
        } else {
            imageSize = 32 * windowFromShapes(shapes);
            inputImage = swin.numFeatures();
            inputText = text.hiddenSize();
            hidden = dim(shapes, "cross_modal_text_transform.weight", 0, base.hiddenSize());
            vqaLabels = dim(shapes, "vqa_classifier.3.weight", 0, base.vqav2LabelSize());
            vocab = dim(shapes, "mlm_score.bias", 0, text.vocabSize());
            int fused = 0;
            for (String k : shapes.keySet()) {
                Matcher m = CROSS_LAYER.matcher(k);
                if (m.find() && k.endsWith("crossattention_t2i.self.query.weight")) {
                    fused++;
                }
            }
            nfb = fused;
            lossNames = new LinkedHashMap<>();
            lossNames.put("itm", shapes.containsKey("itm_score.fc.weight") ? 1 : 0);
            lossNames.put("itc", shapes.containsKey("temp") ? 1 : 0);
            lossNames.put("mlm", shapes.containsKey("mlm_score.bias") ? 1 : 0);
            lossNames.put("vqa", shapes.containsKey("vqa_classifier.0.weight") ? 1 : 0);
            lossNames.put("nlvr2", shapes.containsKey("nlvr2_classifier.0.weight") ? 1 : 0);
            lossNames.put("caption_mle", shapes.containsKey("cross_modal_att_layers.0.weight") ? 1 : 0);
        }
        return new FiberConfig(
                imageSize,
                intOf(c, "resolution_before", imageSize),
                vit,
                tokenizer,
                inputImage,
                inputText,
                hidden,
                intOf(c, "num_heads", base.numHeads()),
                intOf(c, "num_layers", text.numHiddenLayers()),
                intOf(c, "mlp_ratio", base.mlpRatio()),
                dbl(c, "drop_rate", base.dropRate()),
                nfb,
                intOf(c, "max_text_len", base.maxTextLen()),
                vocab,
                vqaLabels,
                bool(c, "itc_pooler", base.itcPooler()),
                lossNames,
                swin,
                text);
    }

    private static SwinConfig swinFromMap(Map<String, Object> m) {
        SwinConfig d = SwinConfig.swinBase();
        return new SwinConfig(
                intOf(m, "patch_size", d.patchSize()),
                intOf(m, "in_chans", d.inChans()),
                intOf(m, "embed_dim", d.embedDim()),
                intList(m, "depths", d.depths()),
                intList(m, "num_heads", d.numHeads()),
                dbl(m, "mlp_ratio", d.mlpRatio()),
                bool(m, "qkv_bias", d.qkvBias()),
                bool(m, "ape", d.ape()),
                bool(m, "patch_norm", d.patchNorm()),
                dbl(m, "layer_norm_eps", d.layerNormEps()),
                intOf(m, "dim_text", d.dimText()),
                dbl(m, "drop_path_rate", d.dropPathRate()));
    }

    private static TextConfig textFromMap(Map<String, Object> m) {
        TextConfig d = TextConfig.robertaBase();
        Object act = m.get("hidden_act");
        if (act != null && !"gelu".equals(act)) {
            throw new IllegalArgumentException("config: text hidden_act '" + act + "' is not supported (FIBER uses exact gelu)");
        }
        return new TextConfig(
                intOf(m, "hidden_size", d.hiddenSize()),
                intOf(m, "num_hidden_layers", d.numHiddenLayers()),
                intOf(m, "num_attention_heads", d.numAttentionHeads()),
                intOf(m, "intermediate_size", d.intermediateSize()),
                intOf(m, "vocab_size", d.vocabSize()),
                intOf(m, "max_position_embeddings", d.maxPositionEmbeddings()),
                intOf(m, "type_vocab_size", d.typeVocabSize()),
                dbl(m, "layer_norm_eps", d.layerNormEps()),
                intOf(m, "pad_token_id", d.padTokenId()),
                dbl(m, "hidden_dropout_prob", d.hiddenDropoutProb()),
                dbl(m, "attention_probs_dropout_prob", d.attentionProbsDropoutProb()));
    }

    private static long[] need(Map<String, long[]> shapes, String key) {
        long[] s = shapes.get(key);
        if (s == null) {
            throw new IllegalArgumentException("config: cannot infer the architecture: the state dict has no '" + key + "'");
        }
        return s;
    }

    static int windowFromShapes(Map<String, long[]> shapes) {
        long rows = need(shapes, "vit_model.layers.0.blocks.0.attn.relative_position_bias_table")[0];
        int side = (int) Math.round(Math.sqrt(rows));
        if ((long) side * side != rows || side % 2 == 0) {
            throw new IllegalArgumentException("config: relative_position_bias_table with " + rows + " rows is not a (2w-1)^2 grid");
        }
        return (side + 1) / 2;
    }

    private static SwinConfig swinFromShapes(Map<String, long[]> shapes) {
        long[] proj = need(shapes, "vit_model.patch_embed.proj.weight");
        int embed = (int) proj[0];
        List<Integer> depths = new ArrayList<>();
        for (String k : shapes.keySet()) {
            Matcher m = SWIN_BLOCK.matcher(k);
            if (m.find()) {
                int s = Integer.parseInt(m.group(1));
                int b = Integer.parseInt(m.group(2));
                while (depths.size() <= s) {
                    depths.add(0);
                }
                depths.set(s, Math.max(depths.get(s), b + 1));
            }
        }
        List<Integer> heads = new ArrayList<>();
        for (int s = 0; s < depths.size(); s++) {
            heads.add((int) need(shapes, "vit_model.layers." + s + ".blocks.0.attn.relative_position_bias_table")[1]);
        }
        long hiddenMlp = need(shapes, "vit_model.layers.0.blocks.0.mlp.fc1.weight")[0];
        SwinConfig d = SwinConfig.swinBase();
        return new SwinConfig((int) proj[2], (int) proj[1], embed, depths, heads, (double) hiddenMlp / embed,
                shapes.containsKey("vit_model.layers.0.blocks.0.attn.qkv.bias"), false,
                shapes.containsKey("vit_model.patch_embed.norm.weight"), d.layerNormEps(), d.dimText(), d.dropPathRate());
    }

    private static TextConfig textFromShapes(Map<String, long[]> shapes) {
        long[] words = need(shapes, "text_transformer.embeddings.word_embeddings.weight");
        int layers = 0;
        for (String k : shapes.keySet()) {
            Matcher m = TEXT_LAYER.matcher(k);
            if (m.find()) {
                layers = Math.max(layers, Integer.parseInt(m.group(1)) + 1);
            }
        }
        int hiddenSize = (int) words[1];
        TextConfig d = TextConfig.robertaBase();
        // Head count is not visible in any shape; RoBERTa models use 64-wide heads.
        int heads = hiddenSize % 64 == 0 ? hiddenSize / 64 : 1;
        return new TextConfig(hiddenSize, layers, heads,
                (int) need(shapes, "text_transformer.encoder.layer.0.intermediate.dense.weight")[0], (int) words[0],
                (int) need(shapes, "text_transformer.embeddings.position_embeddings.weight")[0],
                (int) need(shapes, "text_transformer.embeddings.token_type_embeddings.weight")[0],
                d.layerNormEps(), d.padTokenId(), d.hiddenDropoutProb(), d.attentionProbsDropoutProb());
    }

    private static int dim(Map<String, long[]> shapes, String key, int axis, int dflt) {
        long[] s = shapes.get(key);
        return s == null ? dflt : (int) s[axis];
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o, String what) {
        if (o == null) {
            return Map.of();
        }
        if (!(o instanceof Map)) {
            throw new IllegalArgumentException("config: '" + what + "' is not a dict but " + o.getClass().getSimpleName());
        }
        return (Map<String, Object>) o;
    }

    private static Map<String, Integer> lossNames(Object o) {
        Map<String, Object> m = asMap(o, "loss_names");
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : m.entrySet()) {
            out.put(e.getKey(), toInt(e.getValue(), "loss_names." + e.getKey()));
        }
        return out;
    }

    private static String str(Map<String, Object> m, String key, String dflt) {
        Object o = m.get(key);
        return o == null ? dflt : o.toString();
    }

    private static int intOf(Map<String, Object> m, String key, int dflt) {
        Object o = m.get(key);
        return o == null ? dflt : toInt(o, key);
    }

    private static int toInt(Object o, String key) {
        if (o instanceof Number n) {
            double d = n.doubleValue();
            if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("config: '" + key + "' must be an integer, got " + o);
            }
            return (int) d;
        }
        if (o instanceof Boolean b) {
            return b ? 1 : 0;
        }
        throw new IllegalArgumentException("config: '" + key + "' must be a number, got " + o);
    }

    private static double dbl(Map<String, Object> m, String key, double dflt) {
        Object o = m.get(key);
        if (o == null) {
            return dflt;
        }
        if (o instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("config: '" + key + "' must be a number, got " + o);
    }

    private static boolean bool(Map<String, Object> m, String key, boolean dflt) {
        Object o = m.get(key);
        if (o == null) {
            return dflt;
        }
        if (o instanceof Boolean b) {
            return b;
        }
        if (o instanceof Number n) {
            return n.doubleValue() != 0;
        }
        throw new IllegalArgumentException("config: '" + key + "' must be a boolean, got " + o);
    }

    private static List<Integer> intList(Map<String, Object> m, String key, List<Integer> dflt) {
        Object o = m.get(key);
        if (o == null) {
            return dflt;
        }
        if (!(o instanceof List<?> l)) {
            throw new IllegalArgumentException("config: '" + key + "' must be a list, got " + o);
        }
        List<Integer> out = new ArrayList<>();
        for (Object x : l) {
            out.add(toInt(x, key));
        }
        return out;
    }
}
