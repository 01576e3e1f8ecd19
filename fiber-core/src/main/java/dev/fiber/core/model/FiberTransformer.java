package dev.fiber.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.core.config.FiberConfig;
import dev.fiber.core.model.heads.ClassifierHead;
import dev.fiber.core.model.heads.ItmHead;
import dev.fiber.core.model.heads.MlmHead;
import dev.fiber.core.model.heads.Pooler;
import dev.fiber.core.model.roberta.RobertaEncoder;
import dev.fiber.core.model.roberta.RobertaLayer;
import dev.fiber.core.model.roberta.RobertaModel;
import dev.fiber.core.model.roberta.TextMasks;
import dev.fiber.core.model.swin.SwinBlock;
import dev.fiber.core.model.swin.SwinStage;
import dev.fiber.core.model.swin.SwinTransformer;

/**
 * The FIBER coarse-grained network ({@code FIBERTransformerSS} of the official
 * {@code fiber_module.py}) as one DJL block whose parameter names are the official state-dict keys:
 * the Swin backbone {@code vit_model} and RoBERTa {@code text_transformer} fused in their top layers
 * (paper Sec. 3.1), the cross-modal transforms and poolers, the ITC transforms/poolers and
 * temperature, and the task heads that the configuration enables.
 *
 * <p>Forward passes: {@link #infer} (fused, official {@code infer}), {@link #inferText} /
 * {@link #inferImage} (uni-modal ITC paths), {@link #inferCaption} (official {@code infer_caption}),
 * and the heads. All take a {@link ForwardContext}; with a DJL {@link ParameterStore} and
 * {@code training=true} they are differentiable and apply dropout / drop-path like PyTorch's
 * {@code train()} mode. As a plain DJL block, {@code forward([image, text_ids, text_masks])}
 * returns {@code [text_feats, image_feats, cls_feats]}.
 */
public final class FiberTransformer extends StateDictBlock {

    private final FiberConfig config;
    private final Parameter temp;
    private final LinearLayer crossModalTextTransform;
    private final LinearLayer crossModalImageTransform;
    private final LinearLayer crossModalTextTransformItc;
    private final LinearLayer crossModalImageTransformItc;
    private final SwinTransformer vit;
    private final RobertaModel text;
    private final Pooler crossModalImagePooler;
    private final Pooler crossModalTextPooler;
    private final Pooler crossModalImagePoolerItc;
    private final Pooler crossModalTextPoolerItc;
    private final MlmHead mlmScore;
    private final ItmHead itmScore;
    private final ModuleList<LinearLayer> crossModalAttLayers;
    private final ClassifierHead vqaClassifier;
    private final ClassifierHead nlvr2Classifier;

    /**
     * Builds the architecture (parameters uninitialised; see {@link FiberModel} to load or create).
     *
     * @param config model configuration
     */
    public FiberTransformer(FiberConfig config) {
        this.config = config;
        int hs = config.hiddenSize();
        int dimImg = config.inputImageEmbedSize();
        int dimText = config.inputTextEmbedSize();
        temp = config.hasItc() ? param("temp", Parameter.Type.OTHER, new Shape(), ParamInit.constant(0.07f)) : null;
        crossModalTextTransform = child("cross_modal_text_transform", new LinearLayer(dimText, hs, true));
        crossModalImageTransform = child("cross_modal_image_transform", new LinearLayer(dimImg, hs, true));
        crossModalTextTransformItc = child("cross_modal_text_transform_itc", new LinearLayer(dimText, hs, true));
        crossModalImageTransformItc = child("cross_modal_image_transform_itc", new LinearLayer(dimImg, hs, true));
        vit = child("vit_model", new SwinTransformer(config));
        text = child("text_transformer", new RobertaModel(config));
        crossModalImagePooler = child("cross_modal_image_pooler", new Pooler(hs));
        crossModalTextPooler = child("cross_modal_text_pooler", new Pooler(hs));
        crossModalImagePoolerItc = config.itcPooler() ? child("cross_modal_image_pooler_itc", new Pooler(hs)) : null;
        crossModalTextPoolerItc = config.itcPooler() ? child("cross_modal_text_pooler_itc", new Pooler(hs)) : null;
        mlmScore = config.hasMlmHead() ? child("mlm_score", new MlmHead(hs, config.vocabSize())) : null;
        if (config.hasItm()) {
            itmScore = child("itm_score", new ItmHead(2 * hs));
            // Official rank_output is declared Linear(hs, 1) but its data is replaced by a view of
            // itm_score.fc row 1, so it is stored as (1, 2*hs); loaded, unused by any forward pass.
            child("rank_output", new LinearLayer(2 * hs, 1, true));
        } else {
            itmScore = null;
        }
        if (config.hasCaption()) {
            crossModalAttLayers = child("cross_modal_att_layers", new ModuleList<>());
            for (int i = 0; i < config.numLayers() - 2; i++) {
                crossModalAttLayers.add(new LinearLayer(dimImg, dimImg / 2, true));
            }
        } else {
            crossModalAttLayers = null;
        }
        vqaClassifier = config.hasVqa() ? child("vqa_classifier", new ClassifierHead(2 * hs, 2 * hs, config.vqav2LabelSize())) : null;
        nlvr2Classifier = config.hasNlvr2() ? child("nlvr2_classifier", new ClassifierHead(4 * hs, 2 * hs, 2)) : null;
    }

    /** @return the configuration this network was built from */
    public FiberConfig config() {
        return config;
    }

    /** @return the Swin backbone ({@code vit_model}) */
    public SwinTransformer vit() {
        return vit;
    }

    /** @return the text encoder ({@code text_transformer}) */
    public RobertaModel textTransformer() {
        return text;
    }

    /**
     * The fused forward pass, official {@code FIBERTransformerSS.infer} (quirk 6): uni-modal bottom,
     * fused top where each Swin block and its paired text layer read the other modality's state from
     * <em>before</em> that step.
     *
     * @param ctx forward context
     * @param image (B, 3, S, S) normalised pixels
     * @param textIds (B, T) int64
     * @param textMasks (B, T) attention mask (1 token, 0 padding)
     * @param trace receives named intermediates ({@link FeatureTrace#NONE} for none)
     * @return text, image and cls features
     */
    public FusedFeatures infer(ForwardContext ctx, NDArray image, NDArray textIds, NDArray textMasks, FeatureTrace trace) {
        checkBatch(image, textIds, textMasks);
        RobertaEncoder enc = text.encoder();
        // image_embeds = patch_embed(img): (B, 3, S, S) -> (B, (S/4)^2, C)
        NDArray imageEmbeds = vit.patchEmbed().forward(ctx, image);
        trace.record("image_patch_embed", imageEmbeds);
        // for layer in vit_model.layers[:2]: image_embeds = layer(image_embeds)
        imageEmbeds = vit.stage(0).forward(ctx, imageEmbeds); // (B, (S/8)^2, 2C)
        trace.record("image_embeds_after_stage1", imageEmbeds);
        imageEmbeds = vit.stage(1).forward(ctx, imageEmbeds); // (B, (S/16)^2, 4C)
        trace.record("image_embeds_after_stage2", imageEmbeds);

        // text_embeds = embeddings(text_ids): (B, T, H); extend_text_masks: (B, 1, 1, T)
        NDArray textEmbeds = text.embeddings().forward(ctx, textIds);
        trace.record("text_embeddings", textEmbeds);
        NDArray extendTextMasks = TextMasks.padding(textMasks, textEmbeds.getDataType());
        // num_pre_text = num_layers - num_fuse_block; text layers[:num_pre_text] self-attention only
        int numPreText = config.numLayers() - config.numFuseBlock();
        for (int l = 0; l < numPreText; l++) {
            textEmbeds = enc.layer(l).forward(ctx, textEmbeds, extendTextMasks, null, true); // (B, T, H)
        }
        trace.record("text_embeds_after_layer" + (numPreText - 1), textEmbeds);

        // num_pre_block = 8 + num_pre_text; for blk_cnt, blk in enumerate(vit_model.layers[2].blocks):
        //   image only below num_pre_block, else fused with text layer blk_cnt - 8, each side reading
        //   the other's state from before this step (fuse_image_embeds / image_embeds)
        int numPreBlock = 8 + numPreText;
        SwinStage stage3 = vit.stage(2);
        for (int blk = 0; blk < stage3.depth(); blk++) {
            SwinBlock block = stage3.block(blk);
            if (blk < numPreBlock) {
                imageEmbeds = block.forward(ctx, imageEmbeds, null, null);
            } else {
                NDArray fuseImageEmbeds = block.forward(ctx, imageEmbeds, textEmbeds, extendTextMasks); // (B, (S/16)^2, 4C)
                textEmbeds = enc.layer(blk - 8).forward(ctx, textEmbeds, extendTextMasks, imageEmbeds, true); // keys 4C = DIM_IMG/2
                imageEmbeds = fuseImageEmbeds;
            }
        }
        trace.record("text_embeds_after_layer" + (stage3.depth() - 9), textEmbeds);
        // PatchMerging: (B, (S/16)^2, 4C) -> (B, (S/32)^2, 8C)
        imageEmbeds = stage3.downsample().forward(ctx, imageEmbeds);
        trace.record("image_embeds_after_stage3", imageEmbeds);

        // for blk_cnt, blk in enumerate(vit_model.layers[3].blocks): fused with text layer blk_cnt + 10,
        //   last_norm=(blk_cnt == 0): text layer 11 skips its final output LayerNorm
        SwinStage stage4 = vit.stage(3);
        for (int blk = 0; blk < stage4.depth(); blk++) {
            NDArray fuseImageEmbeds = stage4.block(blk).forward(ctx, imageEmbeds, textEmbeds, extendTextMasks); // (B, (S/32)^2, 8C)
            textEmbeds = enc.layer(blk + 10).forward(ctx, textEmbeds, extendTextMasks, imageEmbeds, blk == 0); // keys 8C = DIM_IMG
            imageEmbeds = fuseImageEmbeds;
        }
        // (stage 4 has no downsample and infer applies no final Swin norm)
        trace.record("text_embeds_final", textEmbeds);
        trace.record("image_embeds_final", imageEmbeds);

        // cross-modal transforms: (B, T, H) -> (B, T, hs); (B, L, DIM_IMG) -> (B, L, hs)
        NDArray textFeats = crossModalTextTransform.forward(ctx, textEmbeds);
        NDArray imageFeats = crossModalImageTransform.forward(ctx, imageEmbeds);
        NDArray clsText = crossModalTextPooler.forward(ctx, textFeats); // tanh(dense(text[:, 0])): (B, hs)
        // avgpool(image_embeds.transpose(1, 2)).view(B, 1, -1): mean over image tokens, (B, 1, hs)
        NDArray avgImage = imageFeats.mean(new int[] {1}, true);
        NDArray clsImage = crossModalImagePooler.forward(ctx, avgImage);
        NDArray cls = NDArrays.concat(new NDList(clsText, clsImage), -1); // (B, 2 hs)
        return new FusedFeatures(textFeats, imageFeats, cls);
    }

    /**
     * The uni-modal text path for ITC (official {@code infer(text_only=True)}, quirk 10): embeddings,
     * all 12 text layers self-attention only (each with its final LayerNorm),
     * {@code cross_modal_text_transform_itc}, {@code cross_modal_text_pooler_itc}, L2 normalisation.
     *
     * @param ctx forward context
     * @param textIds (B, T) int64
     * @param textMasks (B, T)
     * @return token features and normalised cls
     */
    public UniModalFeatures inferText(ForwardContext ctx, NDArray textIds, NDArray textMasks) {
        checkText(textIds, textMasks);
        NDArray t = text.embeddings().forward(ctx, textIds);
        t = text.encoder().forward(ctx, t, TextMasks.padding(textMasks, t.getDataType()));
        NDArray feats = crossModalTextTransformItc.forward(ctx, t);
        NDArray cls = crossModalTextPoolerItc != null ? crossModalTextPoolerItc.forward(ctx, feats) : feats.get(":, 0");
        return new UniModalFeatures(feats, Nn.l2Normalize(cls));
    }

    /**
     * The uni-modal image path for ITC (official {@code infer(image_only=True)}, quirk 10): all four
     * Swin stages without fusion, {@code vit_model.norm}, {@code cross_modal_image_transform_itc},
     * mean over tokens, {@code cross_modal_image_pooler_itc}, L2 normalisation.
     *
     * @param ctx forward context
     * @param image (B, 3, S, S)
     * @return token features and normalised cls
     */
    public UniModalFeatures inferImage(ForwardContext ctx, NDArray image) {
        NDArray x = vit.norm().forward(ctx, vit.forwardUnfused(ctx, image));
        NDArray feats = crossModalImageTransformItc.forward(ctx, x);
        NDArray avg = feats.mean(new int[] {1}, true);
        NDArray cls = crossModalImagePoolerItc != null ? crossModalImagePoolerItc.forward(ctx, avg) : avg.get(":, 0");
        return new UniModalFeatures(feats, Nn.l2Normalize(cls));
    }

    /**
     * The image side of {@link #inferCaption}: all Swin stages without fusion and without the final
     * norm (official {@code infer_caption} when no {@code image_embeds} are given).
     *
     * @param ctx forward context
     * @param image (B, 3, S, S)
     * @return (B, (S/32)^2, DIM_IMG)
     */
    public NDArray captionImageEmbeds(ForwardContext ctx, NDArray image) {
        return vit.forwardUnfused(ctx, image);
    }

    /**
     * The captioning pass (official {@code infer_caption}, quirk 12): causal + padding masked text;
     * text layers below the fusion self-attend only, the fused layers below 10 cross-attend to
     * {@code cross_modal_att_layers[layer](image)}, layers 10-11 to the image tokens directly; every
     * layer keeps its final LayerNorm; then {@code cross_modal_text_transform} and pooler.
     *
     * @param ctx forward context
     * @param imageEmbeds output of {@link #captionImageEmbeds} for the same batch
     * @param textIds (B, T) int64
     * @param textMasks (B, T)
     * @return caption features
     */
    public CaptionFeatures inferCaption(ForwardContext ctx, NDArray imageEmbeds, NDArray textIds, NDArray textMasks) {
        if (crossModalAttLayers == null) {
            throw new IllegalStateException("this model has no captioning layers (loss_names has no caption_* entry)");
        }
        checkText(textIds, textMasks);
        if (imageEmbeds.getShape().get(0) != textIds.getShape().get(0)) {
            throw new IllegalArgumentException("image batch " + imageEmbeds.getShape().get(0) + " != text batch " + textIds.getShape().get(0));
        }
        RobertaEncoder enc = text.encoder();
        NDArray t = text.embeddings().forward(ctx, textIds);
        NDArray mask = TextMasks.causal(textMasks, t.getDataType());
        int numPreText = config.numLayers() - config.numFuseBlock();
        for (int l = 0; l < enc.numLayers(); l++) {
            RobertaLayer layer = enc.layer(l);
            if (l < numPreText) {
                t = layer.forward(ctx, t, mask, null, true);
            } else if (l < config.numLayers() - 2) {
                t = layer.forward(ctx, t, mask, crossModalAttLayers.get(l).forward(ctx, imageEmbeds), true);
            } else {
                t = layer.forward(ctx, t, mask, imageEmbeds, true);
            }
        }
        NDArray feats = crossModalTextTransform.forward(ctx, t);
        return new CaptionFeatures(feats, imageEmbeds, crossModalTextPooler.forward(ctx, feats));
    }

    /**
     * @param ctx forward context
     * @param clsFeats (B, 2h) from {@link #infer}
     * @return ITM logits (B, 2)
     */
    public NDArray itmLogits(ForwardContext ctx, NDArray clsFeats) {
        return require(itmScore, "itm").forward(ctx, clsFeats);
    }

    /**
     * @param ctx forward context
     * @param clsFeats (B, 2h)
     * @return VQA logits (B, vqav2_label_size)
     */
    public NDArray vqaLogits(ForwardContext ctx, NDArray clsFeats) {
        return require(vqaClassifier, "vqa").forward(ctx, clsFeats);
    }

    /**
     * Official {@code compute_nlvr2}: the classifier on {@code cat(cls(image), cls(image_1))}.
     *
     * @param ctx forward context
     * @param clsFeats1 (B, 2h) of the first image
     * @param clsFeats2 (B, 2h) of the second image
     * @return NLVR2 logits (B, 2)
     */
    public NDArray nlvr2Logits(ForwardContext ctx, NDArray clsFeats1, NDArray clsFeats2) {
        return require(nlvr2Classifier, "nlvr2").forward(ctx, NDArrays.concat(new NDList(clsFeats1, clsFeats2), -1));
    }

    /**
     * @param ctx forward context
     * @param textFeats (B, T, h) from {@link #infer} or {@link #inferCaption}
     * @return vocabulary logits (B, T, vocab_size)
     */
    public NDArray mlmLogits(ForwardContext ctx, NDArray textFeats) {
        return require(mlmScore, "mlm / caption").forward(ctx, textFeats);
    }

    /**
     * ITC similarities as in {@code compute_itc}: {@code image_cls @ text_cls^T / temp}, with the
     * temperature clamped to [0.001, 1] as the official code does before using it.
     *
     * @param ctx forward context
     * @param imageCls (Bi, h) normalised
     * @param textCls (Bt, h) normalised
     * @return (Bi, Bt)
     */
    public NDArray itcSimilarity(ForwardContext ctx, NDArray imageCls, NDArray textCls) {
        if (temp == null) {
            throw new IllegalStateException("this model has no ITC temperature (loss_names.itc is 0)");
        }
        NDArray sim = imageCls.matMul(textCls.transpose());
        // temp broadcast into an array owned by sim's manager (0 + temp is exact), so the clamp's
        // result is not created by (and attached to) the parameter's manager
        NDArray t = sim.zerosLike().add(ctx.value(temp, sim)).clip(0.001f, 1.0f);
        return sim.div(t);
    }

    /** @return the ITC temperature parameter, or {@code null} without ITC */
    public Parameter temperature() {
        return temp;
    }

    private static <T> T require(T head, String name) {
        if (head == null) {
            throw new IllegalStateException("this model has no " + name + " head (see loss_names of its config)");
        }
        return head;
    }

    private static void checkText(NDArray ids, NDArray masks) {
        if (ids.getShape().dimension() != 2 || !ids.getShape().equals(masks.getShape())) {
            throw new IllegalArgumentException("text_ids and text_masks must both be (B, T); got " + ids.getShape() + " and " + masks.getShape());
        }
        if (ids.getDataType() != DataType.INT64) {
            throw new IllegalArgumentException("text_ids must be int64, got " + ids.getDataType());
        }
    }

    private void checkBatch(NDArray image, NDArray ids, NDArray masks) {
        checkText(ids, masks);
        if (image.getShape().dimension() < 1 || image.getShape().get(0) != ids.getShape().get(0)) {
            throw new IllegalArgumentException("image batch " + image.getShape() + " does not match text batch " + ids.getShape());
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        if (inputs.size() != 3) {
            throw new IllegalArgumentException("FIBER forward expects [image, text_ids, text_masks], got " + inputs.size() + " arrays");
        }
        FusedFeatures f = infer(new ForwardContext(ps, training), inputs.get(0), inputs.get(1), inputs.get(2), FeatureTrace.NONE);
        return new NDList(f.textFeats(), f.imageFeats(), f.clsFeats());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long b = inputShapes[0].get(0);
        long t = inputShapes[1].get(1);
        long side = config.imageSize() / 32;
        int hs = config.hiddenSize();
        return new Shape[] {new Shape(b, t, hs), new Shape(b, side * side, hs), new Shape(b, 2L * hs)};
    }
}
