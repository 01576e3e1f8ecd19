package dev.fiber.tasks.grounding;

import dev.fiber.tasks.grounding.backbone.SwinSpec;
import dev.fiber.tasks.grounding.head.HeadSpec;
import dev.fiber.tasks.grounding.nn.StateDictLoader;
import dev.fiber.tasks.grounding.text.TextSpec;
import dev.fiber.tasks.grounding.weights.WeightSource;

import java.util.HashMap;
import java.util.Map;

/**
 * The structure of a FIBER fine-grained checkpoint, read from its tensor shapes (so the tiny test model and
 * FIBER-B load through the same code), completed with the configuration values the weights do not hold.
 *
 * @param swin Swin widths, depths, heads, window, fusion widths
 * @param fpnFirst official index of the first FPN branch ({@code fpn_inner2} -> 2)
 * @param fpnIn input channels of the FPN branches
 * @param fpnOut FPN channels
 * @param text RoBERTa widths
 * @param textImageWidths per text layer, the image width its cross-attention reads (0 = none)
 * @param head VLDyHead widths
 * @param anchorsPerLocation cell anchors per level
 */
public record GroundingSpec(SwinSpec swin, int fpnFirst, long[] fpnIn, long fpnOut, TextSpec text,
        long[] textImageWidths, HeadSpec head, int anchorsPerLocation) {

    private static final String BODY = "fusion_backbone.backbone.body.";
    private static final String FPN = "fusion_backbone.backbone.fpn.";
    private static final String TEXT = "fusion_backbone.language_backbone.body.model.";
    private static final String HEAD = "rpn.head.";

    /**
     * Reads the structure from checkpoint shapes.
     *
     * @param source the state dict (keys with or without the {@code module.} prefix)
     * @param config values not recoverable from shapes
     * @return the structure
     * @throws IllegalArgumentException if the checkpoint is not a FIBER fine-grained model
     */
    public static GroundingSpec infer(WeightSource source, GroundingConfig config) {
        Shapes s = new Shapes(source);
        long[] pe = s.get(BODY + "patch_embed.proj.weight");
        long embed = pe[0];
        int patch = (int) pe[2];
        int stages = s.count(BODY + "layers.", ".blocks.0.norm1.weight");
        int[] depths = new int[stages];
        int[] heads = new int[stages];
        long[] mlp = new long[stages];
        long[][] textDims = new long[stages][];
        boolean[] norms = new boolean[stages];
        int window = 0;
        boolean queryNorm = false;
        for (int st = 0; st < stages; st++) {
            String layer = BODY + "layers." + st + ".blocks.";
            depths[st] = s.count(layer, ".norm1.weight");
            long[] table = s.get(layer + "0.attn.relative_position_bias_table");
            heads[st] = (int) table[1];
            int side = (int) Math.round(Math.sqrt(table[0]));
            int w = (side + 1) / 2;
            if (side * side != table[0] || side % 2 == 0 || (window != 0 && w != window)) {
                throw new IllegalArgumentException("unexpected relative position table " + table[0] + "x" + table[1]);
            }
            window = w;
            mlp[st] = s.get(layer + "0.mlp.fc1.weight")[0];
            textDims[st] = new long[depths[st]];
            for (int b = 0; b < depths[st]; b++) {
                String k = layer + b + ".attn.qkv_text_i2t.weight";
                textDims[st][b] = s.has(k) ? s.get(k)[1] : 0;
                queryNorm |= s.has(layer + b + ".attn.norm_i2t_i.weight");
            }
            norms[st] = s.has(BODY + "norm" + st + ".weight");
        }
        SwinSpec swin = new SwinSpec(embed, patch, depths, heads, window, mlp, textDims, norms, queryNorm);

        int first = 1;
        while (first < 10 && !s.has(FPN + "fpn_inner" + first + ".weight")) {
            first++;
        }
        int branches = s.count(FPN + "fpn_inner", ".weight", first);
        long[] fpnIn = new long[branches];
        for (int i = 0; i < branches; i++) {
            fpnIn[i] = s.get(FPN + "fpn_inner" + (first + i) + ".weight")[1];
        }
        long fpnOut = s.get(FPN + "fpn_inner" + first + ".weight")[0];

        long[] word = s.get(TEXT + "embeddings.word_embeddings.weight");
        long[] pos = s.get(TEXT + "embeddings.position_embeddings.weight");
        long[] type = s.get(TEXT + "embeddings.token_type_embeddings.weight");
        int layers = s.count(TEXT + "encoder.layer.", ".attention.self.query.weight");
        long ffn = s.get(TEXT + "encoder.layer.0.intermediate.dense.weight")[0];
        TextSpec text = new TextSpec(word[0], pos[0], type[0], word[1], ffn, config.textHeads(), layers, 1, 1e-5f);
        long[] imageWidths = new long[layers];
        for (int i = 0; i < layers; i++) {
            String k = TEXT + "encoder.layer." + i + ".crossattention_t2i.self.key.weight";
            imageWidths[i] = s.has(k) ? s.get(k)[1] : 0;
        }

        int convs = s.count(HEAD + "dyhead_tower.", ".offset.weight");
        long[] c0 = s.get(HEAD + "dyhead_tower.0.DyConv.0.conv.weight");
        long squeeze = s.get(HEAD + "dyhead_tower.0.relu.fc.0.weight")[0];
        long classes = s.get(HEAD + "cls_logits.weight")[0];
        long langDim = s.get(HEAD + "dot_product_projection_text.weight")[1];
        int levels = s.count(HEAD + "scales.", ".scale");
        HeadSpec head = new HeadSpec(c0[1], c0[0], convs, squeeze, config.groupNormGroups(), classes, langDim, levels);
        int perLoc = (int) s.get("rpn.anchor_generator.cell_anchors.0")[0];
        if (config.anchorStrides().length != levels) {
            throw new IllegalArgumentException(config.anchorStrides().length + " anchor strides for " + levels
                    + " pyramid levels");
        }
        return new GroundingSpec(swin, first, fpnIn, fpnOut, text, imageWidths, head, perLoc);
    }

    /** Shapes by key, keys normalised as the official loader does ({@link StateDictLoader#normalizedKeys}). */
    private static final class Shapes {
        private final Map<String, long[]> shapes = new HashMap<>();
        private final String source;

        Shapes(WeightSource src) {
            source = src.describe();
            StateDictLoader.normalizedKeys(src.keys()).forEach((key, stored) -> shapes.put(key, src.shape(stored)));
        }

        boolean has(String key) {
            return shapes.containsKey(key);
        }

        long[] get(String key) {
            long[] v = shapes.get(key);
            if (v == null) {
                throw new IllegalArgumentException(source + " is not a FIBER fine-grained checkpoint: no " + key);
            }
            return v;
        }

        int count(String prefix, String suffix) {
            return count(prefix, suffix, 0);
        }

        int count(String prefix, String suffix, int from) {
            int n = 0;
            while (shapes.containsKey(prefix + (from + n) + suffix)) {
                n++;
            }
            return n;
        }
    }
}
