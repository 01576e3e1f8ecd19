package dev.fiber.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.fiber.core.config.FiberConfig;
import dev.fiber.core.io.Npy;
import dev.fiber.core.io.NpyArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Computes, for given inputs, every output the FIBER reference data ({@code tiny_cases.npz})
 * names, in float32, so a port can be compared key by key with the official model:
 * the fused {@code infer} outputs and its intermediates, ITM / MLM / VQA / NLVR2 heads, the two ITC
 * paths and their similarity, and the captioning pass with its logits.
 *
 * <p>Inputs (absent ones are skipped together with everything that needs them): {@code image}
 * (B,3,S,S), {@code image_1} (second NLVR2 image), {@code text_ids}, {@code text_masks} (B,T).
 * Large logits are summarised as the reference does: {@code <name>_pos0to3} (first four positions
 * in full), {@code <name>_argmax} and {@code <name>_logsumexp} over the vocabulary.
 */
public final class ReferenceOutputs {

    private ReferenceOutputs() {}

    /**
     * @param model the model
     * @param inputs arrays named as in the reference npz
     * @return output name -> float32 / int64 array, in a fixed order
     */
    public static LinkedHashMap<String, Npy.Entry> compute(FiberModel model, Map<String, NpyArray> inputs) {
        LinkedHashMap<String, Npy.Entry> out = new LinkedHashMap<>();
        FiberTransformer block = model.block();
        try (NDManager m = NDManager.newBaseManager(model.device())) {
            NDArray image = inputs.containsKey("image") ? inputs.get("image").toNDArray(m) : null;
            NDArray image1 = inputs.containsKey("image_1") ? inputs.get("image_1").toNDArray(m) : null;
            NDArray ids = inputs.containsKey("text_ids") ? inputs.get("text_ids").toNDArray(m) : null;
            NDArray masks = inputs.containsKey("text_masks") ? inputs.get("text_masks").toNDArray(m) : null;
            if (ids != null && masks == null) {
                masks = ids.onesLike();
            }
            FiberConfig cfg = model.config();
            if (image != null && ids != null) {
                LinkedHashMap<String, Npy.Entry> trace = new LinkedHashMap<>();
                FusedFeatures f = model.infer(m, image, ids, masks, (name, value) -> trace.put(name, entry(value)));
                out.putAll(trace);
                out.put("text_feats", entry(f.textFeats()));
                out.put("image_feats", entry(f.imageFeats()));
                out.put("cls_feats", entry(f.clsFeats()));
                if (cfg.hasItm()) {
                    out.put("itm_logits", entry(model.itmLogits(m, f.clsFeats())));
                }
                if (cfg.hasMlmHead()) {
                    summarise(out, "mlm_logits", model.mlmLogits(m, f.textFeats()), false);
                }
                if (cfg.hasItc()) {
                    UniModalFeatures t = model.inferText(m, ids, masks);
                    UniModalFeatures i = model.inferImage(m, image);
                    out.put("itc_text_cls", entry(t.cls()));
                    out.put("itc_text_feats", entry(t.feats()));
                    out.put("itc_image_cls", entry(i.cls()));
                    out.put("itc_image_feats", entry(i.feats()));
                    out.put("itc_sim", entry(model.itcSimilarity(m, i.cls(), t.cls())));
                }
                if (cfg.hasVqa()) {
                    out.put("vqa_logits", entry(model.vqaLogits(m, f.clsFeats())));
                }
                if (image1 != null) {
                    FusedFeatures f1 = model.infer(m, image1, ids, masks);
                    out.put("cls_feats_image_1", entry(f1.clsFeats()));
                    if (cfg.hasNlvr2()) {
                        out.put("nlvr2_logits", entry(model.nlvr2Logits(m, f.clsFeats(), f1.clsFeats())));
                    }
                }
                if (cfg.hasCaption()) {
                    CaptionFeatures c = model.inferCaption(m, image, ids, masks);
                    out.put("caption_text_feats", entry(c.textFeats()));
                    out.put("caption_image_embeds", entry(c.imageEmbeds()));
                    summarise(out, "caption_mlm_logits", model.mlmLogits(m, c.textFeats()), true);
                }
            } else if (ids != null && cfg.hasItc()) {
                UniModalFeatures t = model.inferText(m, ids, masks);
                out.put("itc_text_cls", entry(t.cls()));
                out.put("itc_text_feats", entry(t.feats()));
            } else if (image != null && cfg.hasItc()) {
                UniModalFeatures i = model.inferImage(m, image);
                out.put("itc_image_cls", entry(i.cls()));
                out.put("itc_image_feats", entry(i.feats()));
            }
        }
        return out;
    }

    private static void summarise(Map<String, Npy.Entry> out, String name, NDArray logits, boolean full) {
        NDArray x = logits.toType(DataType.FLOAT32, false);
        if (full) {
            out.put(name, entry(x));
        }
        long t = x.getShape().get(1);
        out.put(name + "_pos0to3", entry(x.get(":, 0:" + Math.min(4, t))));
        out.put(name + "_argmax", new Npy.Entry(x.argMax(-1).toType(DataType.INT64, false).toLongArray(), x.getShape().slice(0, 2).getShape()));
        NDArray max = x.max(new int[] {-1}, true);
        NDArray lse = x.sub(max).exp().sum(new int[] {-1}).log().add(max.squeeze(-1));
        out.put(name + "_logsumexp", entry(lse));
    }

    private static Npy.Entry entry(NDArray a) {
        NDArray f = a.toType(DataType.FLOAT32, false);
        return Npy.Entry.of(f.toFloatArray(), f.getShape().getShape());
    }
}
