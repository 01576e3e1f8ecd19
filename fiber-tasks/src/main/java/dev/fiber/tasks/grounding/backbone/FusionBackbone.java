package dev.fiber.tasks.grounding.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.core.ops.Scoped;
import dev.fiber.tasks.grounding.Trace;
import dev.fiber.tasks.grounding.nn.Container;
import dev.fiber.tasks.grounding.nn.StateBlock;
import dev.fiber.tasks.grounding.text.RobertaLayer;
import dev.fiber.tasks.grounding.text.RobertaModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * FIBER's fusion-in-the-backbone ({@code FusionSwinTransformer} of {@code fusion_swin_transformer_v2.py},
 * key {@code fusion_backbone}): Swin ({@code backbone.body}) and RoBERTa
 * ({@code language_backbone.body.model}) run interleaved, then the FPN ({@code backbone.fpn}).
 *
 * <p>Schedule (v2). Let K be the number of Swin blocks with image-to-text weights (FIBER-B: the last 4
 * blocks of stage 3 and both of stage 4, K = 6). The first {@code L - K} text layers run alone; the vision
 * stages run alone up to the first fused block; from then on each fused Swin block runs
 * <em>in parallel</em> with the next text layer: both read the states from before the step (the block
 * reads the old text, the text layer cross-attends to the block's input tokens, un-normed). Stage outputs
 * are normed ({@code norm{s}}) and reshaped to NCHW for the FPN. Finally the language dictionary
 * ({@link LanguageFeatures}) is built from the last text states.
 */
public final class FusionBackbone extends StateBlock {

    private final SwinBody body;
    private final Fpn fpn;
    private final RobertaModel text;

    /**
     * @param body the Swin transformer
     * @param fpn the feature pyramid
     * @param text the fused RoBERTa
     */
    public FusionBackbone(SwinBody body, Fpn fpn, RobertaModel text) {
        Container backbone = child("backbone", new Container());
        this.body = backbone.add("body", body);
        this.fpn = backbone.add("fpn", fpn);
        Container language = child("language_backbone", new Container());
        Container lbody = language.add("body", new Container());
        this.text = lbody.add("model", text);
        int fusedBlocks = 0;
        for (int s = 0; s < body.numStages(); s++) {
            for (int b = 0; b < body.stage(s).depth(); b++) {
                if (body.stage(s).block(b).fused()) {
                    fusedBlocks++;
                }
            }
        }
        int fusedLayers = 0;
        for (int i = 0; i < text.numLayers(); i++) {
            if (text.layer(i).fused()) {
                fusedLayers++;
            }
        }
        if (fusedBlocks != fusedLayers || fusedBlocks > text.numLayers()) {
            throw new IllegalArgumentException(fusedBlocks + " fused Swin blocks but " + fusedLayers
                    + " text layers with cross-attention");
        }
        for (int i = text.numLayers() - fusedLayers; i < text.numLayers(); i++) {
            if (!text.layer(i).fused()) {
                throw new IllegalArgumentException("text layers with cross-attention must be the last " + fusedLayers);
            }
        }
    }

    /** @return the Swin transformer */
    public SwinBody body() {
        return body;
    }

    /** @return the text encoder */
    public RobertaModel text() {
        return text;
    }

    /**
     * Output of the fusion backbone.
     *
     * @param pyramid FPN levels, finest first
     * @param language language dictionary
     */
    public record Output(NDList pyramid, LanguageFeatures language) {}

    /**
     * Runs the interleaved backbone.
     *
     * @param pixels normalised, padded image batch {@code (B, 3, H, W)}
     * @param inputIds token ids {@code (B, N)} int64
     * @param attentionMask {@code (B, N)} int64 0/1
     * @param trace receives intermediates
     * @return pyramid and language features
     */
    public Output forward(NDArray pixels, NDArray inputIds, NDArray attentionMask, Trace trace) {
        NDArray ext = RobertaModel.extendedMask(attentionMask);
        NDArray patches = body.patchEmbed().forward(pixels);
        trace.record("swin.patch_embed", patches);
        Shape ps = patches.getShape();
        int h = (int) ps.get(2);
        int w = (int) ps.get(3);
        NDArray img = patches.reshape(ps.get(0), ps.get(1), -1).transpose(0, 2, 1);

        NDArray txt = text.embeddings().forward(inputIds);
        trace.record("text.embeddings", txt);
        int numLayers = text.numLayers();
        int firstFusedLayer = 0;
        while (firstFusedLayer < numLayers && !text.layer(firstFusedLayer).fused()) {
            firstFusedLayer++;
        }
        for (int i = 0; i < firstFusedLayer; i++) {
            RobertaLayer layer = text.layer(i);
            NDArray in = txt;
            txt = Scoped.keep(() -> layer.forward(in, ext, null));
            trace.record(layerKey(i), txt);
            in.close();
        }
        // The image-to-text attention of the fused Swin blocks only needs the text up to the last real token:
        // padded positions get -10000 in the logits, so their softmax weight is exactly 0 in float32.
        int textLength = textExtent(attentionMask);
        NDArray txtKeys = textLength == attentionMask.getShape().get(1) ? null : ext.get(":, :, :, :{}", textLength);
        int nextLayer = firstFusedLayer;
        List<NDArray> stageOuts = new ArrayList<>();
        for (int s = 0; s < body.numStages(); s++) {
            SwinStage stage = body.stage(s);
            NDArray mask = stage.shiftMask(pixels.getManager(), h, w);
            for (int b = 0; b < stage.depth(); b++) {
                SwinBlock block = stage.block(b);
                NDArray inImg = img;
                int hh = h;
                int ww = w;
                String blockKey = String.format(Locale.ROOT, "swin.stage%d.block%02d", s + 1, b);
                if (block.fused()) {
                    NDArray inTxt = txt;
                    RobertaLayer layer = text.layer(nextLayer);
                    img = Scoped.keep(() -> txtKeys == null ? block.forward(inImg, hh, ww, mask, inTxt, ext)
                            : block.forward(inImg, hh, ww, mask, inTxt.get(":, :{}", textLength), txtKeys));
                    trace.record(blockKey, img);
                    txt = Scoped.keep(() -> layer.forward(inTxt, ext, inImg));
                    trace.record(layerKey(nextLayer), txt);
                    nextLayer++;
                    inTxt.close();
                } else {
                    img = Scoped.keep(() -> block.forward(inImg, hh, ww, mask, null, null));
                    trace.record(blockKey, img);
                }
                inImg.close(); // superseded: free it now rather than at the end of the pass
            }
            NDArray out = toNchw(body.stageNorm(s, img), h, w);
            trace.record("backbone.stage_out" + (s + 1), out);
            stageOuts.add(out);
            if (stage.downsample() != null) {
                NDArray inImg = img;
                int hh = h;
                int ww = w;
                img = Scoped.keep(() -> stage.downsample().forward(inImg, hh, ww));
                trace.record("swin.stage" + (s + 1) + ".downsample", img);
                inImg.close(); // stage output views keep their storage alive
                h = (h + 1) / 2;
                w = (w + 1) / 2;
            }
        }
        LanguageFeatures lang = LanguageFeatures.of(txt, attentionMask);
        trace.record("lang.hidden", lang.hidden());
        trace.record("lang.embedded", lang.embedded());
        trace.record("lang.masks", lang.masks());
        trace.record("lang.aggregate", lang.aggregate());
        NDList pyramid = fpn.forward(new NDList(stageOuts));
        for (int l = 0; l < pyramid.size(); l++) {
            trace.record("fpn.p" + (l + 3), pyramid.get(l));
        }
        return new Output(pyramid, lang);
    }

    /**
     * @param attentionMask {@code (B, N)} 0/1
     * @return one past the last position that is a real token in any sample (at least 1)
     */
    static int textExtent(NDArray attentionMask) {
        long[] m = attentionMask.toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
        int n = (int) attentionMask.getShape().get(1);
        int extent = 1;
        for (int i = 0; i < m.length; i++) {
            if (m[i] != 0) {
                extent = Math.max(extent, i % n + 1);
            }
        }
        return extent;
    }

    private static String layerKey(int i) {
        return String.format(Locale.ROOT, "text.layer%02d", i);
    }

    /**
     * Tokens {@code (B, H*W, C)} to a map {@code (B, C, H, W)}.
     *
     * @param tokens row-major tokens
     * @param h height
     * @param w width
     * @return NCHW map
     */
    static NDArray toNchw(NDArray tokens, int h, int w) {
        Shape s = tokens.getShape();
        return tokens.reshape(s.get(0), h, w, s.get(2)).transpose(0, 3, 1, 2);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        Output o = forward(in.get(0), in.get(1), in.get(2), Trace.NONE);
        NDList out = new NDList(o.pyramid());
        out.add(o.language().hidden());
        out.add(o.language().embedded());
        return out;
    }

    @Override
    protected Shape[] outputShapes(Shape[] in) {
        Shape[] stages = body.getOutputShapes(new Shape[] {in[0]});
        Shape[] levels = fpn.getOutputShapes(stages);
        Shape[] out = new Shape[levels.length + 2];
        System.arraycopy(levels, 0, out, 0, levels.length);
        Shape hs = in[1].add(text.getOutputShapes(new Shape[] {in[1]})[0].tail());
        out[levels.length] = hs;
        out[levels.length + 1] = hs;
        return out;
    }
}
