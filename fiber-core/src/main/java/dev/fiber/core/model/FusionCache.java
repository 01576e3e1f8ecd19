package dev.fiber.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.fiber.core.config.FiberConfig;
import dev.fiber.core.model.heads.Pooler;
import dev.fiber.core.model.roberta.RobertaEncoder;
import dev.fiber.core.model.roberta.TextMasks;
import dev.fiber.core.model.swin.SwinStage;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Splits FIBER's fused pass (official {@code FIBERTransformerSS.infer}) at the start of the fusion
 * so that the uni-modal bottoms can be computed once and reused: Swin stages 1-2 and stage-3 blocks
 * below {@code 20 - num_fuse_block} never see the text, RoBERTa layers below
 * {@code 12 - num_fuse_block} never see the image (paper Sec. 3.1, fusion in the backbone's top
 * layers only). Re-ranking k texts against one image, or asking many questions about one image,
 * then runs the image bottom once and only the fused top k times.
 *
 * <p>{@link #inferFromBottoms} yields exactly {@link FiberModel#infer}'s outputs (same operations in
 * the same order; the tests check equality within 1e-5). A batch of one on either side is broadcast
 * against the other side's batch.
 *
 * <p>Like {@link FiberModel}'s inference methods, every call runs in eval mode inside a temporary
 * scope of the caller's {@code out} manager; only the returned arrays survive. Calls may run
 * concurrently (the model is only read).
 */
public final class FusionCache {

    private final FiberModel model;

    /**
     * @param model the model whose bottoms and top are computed
     */
    public FusionCache(FiberModel model) {
        this.model = model;
    }

    /** @return the model */
    public FiberModel model() {
        return model;
    }

    /**
     * Computes the image bottom (patch embedding, Swin stages 1-2, uni-modal stage-3 blocks).
     *
     * @param out manager that will own the result
     * @param image (B, 3, S, S) normalised pixels
     * @return the cached image states
     */
    public ImageBottom encodeImageBottom(NDManager out, NDArray image) {
        NDArray s = run(out, in -> imageBottom(model.block(), ForwardContext.INFERENCE, floats(in[0])), image);
        return new ImageBottom(s);
    }

    /**
     * Computes the text bottom (embeddings and the uni-modal text layers, padding-masked).
     *
     * @param out manager that will own the result
     * @param textIds (B, T) token ids
     * @param textMasks (B, T) attention mask
     * @return the cached text states (with a copy of the mask)
     */
    public TextBottom encodeTextBottom(NDManager out, NDArray textIds, NDArray textMasks) {
        NDArray[] r = runAll(out, in -> {
            NDArray ids = ids(in[0]);
            checkText(ids, in[1]);
            NDArray ext = TextMasks.padding(in[1], model.dataType());
            return new NDArray[] {textBottom(model.block(), ForwardContext.INFERENCE, ids, ext), in[1].duplicate()};
        }, textIds, textMasks);
        return new TextBottom(r[0], r[1]);
    }

    /**
     * Runs the fused top of {@code infer} from cached bottoms. When one side has batch 1 and the
     * other batch k, the single one is repeated k times (one image against k texts, or one text
     * against k images); otherwise the batch sizes must agree.
     *
     * @param out manager that will own the results
     * @param image cached image bottom
     * @param text cached text bottom
     * @return text, image and cls features, as {@link FiberModel#infer} returns them
     */
    public FusedFeatures inferFromBottoms(NDManager out, ImageBottom image, TextBottom text) {
        long bi = image.batchSize();
        long bt = text.batchSize();
        if (bi != bt && bi != 1 && bt != 1) {
            throw new IllegalArgumentException("image bottom batch " + bi + " and text bottom batch " + bt
                    + " differ (and neither is 1 to be broadcast)");
        }
        NDArray[] r = runAll(out, in -> {
            NDArray img = in[0];
            NDArray txt = in[1];
            NDArray masks = in[2];
            if (bi == 1 && bt > 1) {
                img = img.repeat(0, bt);
            } else if (bt == 1 && bi > 1) {
                txt = txt.repeat(0, bi);
                masks = masks.repeat(0, bi);
            }
            FusedFeatures f = fusedTop(model.block(), ForwardContext.INFERENCE, img, txt, TextMasks.padding(masks, model.dataType()));
            return new NDArray[] {f.textFeats(), f.imageFeats(), f.clsFeats()};
        }, image.states(), text.states(), text.masks());
        return new FusedFeatures(r[0], r[1], r[2]);
    }

    /**
     * The image bottom of {@code infer} as a differentiable function of the network.
     *
     * @param net the network
     * @param ctx forward context
     * @param image (B, 3, S, S)
     * @return (B, (S/16)^2, 4C)
     */
    public static NDArray imageBottom(FiberTransformer net, ForwardContext ctx, NDArray image) {
        NDArray x = net.vit().patchEmbed().forward(ctx, image);
        x = net.vit().stage(0).forward(ctx, x);
        x = net.vit().stage(1).forward(ctx, x);
        SwinStage stage3 = net.vit().stage(2);
        int first = net.config().firstFusedStage3Block();
        for (int blk = 0; blk < first; blk++) {
            x = stage3.block(blk).forward(ctx, x, null, null);
        }
        return x;
    }

    /**
     * The text bottom of {@code infer}: embeddings, then the uni-modal text layers.
     *
     * @param net the network
     * @param ctx forward context
     * @param textIds (B, T) int64
     * @param extendedMask additive padding mask (B, 1, 1, T) from {@link TextMasks#padding}
     * @return (B, T, H)
     */
    public static NDArray textBottom(FiberTransformer net, ForwardContext ctx, NDArray textIds, NDArray extendedMask) {
        RobertaEncoder enc = net.textTransformer().encoder();
        NDArray t = net.textTransformer().embeddings().forward(ctx, textIds);
        int numPreText = net.config().numPreTextLayers();
        for (int l = 0; l < numPreText; l++) {
            t = enc.layer(l).forward(ctx, t, extendedMask, null, true);
        }
        return t;
    }

    /**
     * The fused top of {@code infer} (quirk 6): stage-3 blocks from {@code 20 - num_fuse_block} in
     * parallel with text layers {@code block - 8} (each side reads the other's state from before the
     * step), PatchMerging, stage 4 with text layers 10-11 (layer 11 without its final LayerNorm), the
     * cross-modal transforms and poolers.
     *
     * @param net the network
     * @param ctx forward context
     * @param imageStates (B, (S/16)^2, 4C) from {@link #imageBottom}
     * @param textStates (B, T, H) from {@link #textBottom}
     * @param extendedMask additive padding mask (B, 1, 1, T)
     * @return text, image and cls features
     */
    public static FusedFeatures fusedTop(FiberTransformer net, ForwardContext ctx, NDArray imageStates, NDArray textStates,
            NDArray extendedMask) {
        FiberConfig cfg = net.config();
        RobertaEncoder enc = net.textTransformer().encoder();
        NDArray image = imageStates;
        NDArray text = textStates;
        SwinStage stage3 = net.vit().stage(2);
        for (int blk = cfg.firstFusedStage3Block(); blk < stage3.depth(); blk++) {
            NDArray fused = stage3.block(blk).forward(ctx, image, text, extendedMask);
            text = enc.layer(blk - 8).forward(ctx, text, extendedMask, image, true);
            image = fused;
        }
        image = stage3.downsample().forward(ctx, image);
        SwinStage stage4 = net.vit().stage(3);
        for (int blk = 0; blk < stage4.depth(); blk++) {
            NDArray fused = stage4.block(blk).forward(ctx, image, text, extendedMask);
            text = enc.layer(blk + 10).forward(ctx, text, extendedMask, image, blk == 0);
            image = fused;
        }
        NDArray textFeats = child(net, "cross_modal_text_transform", LinearLayer.class).forward(ctx, text);
        NDArray imageFeats = child(net, "cross_modal_image_transform", LinearLayer.class).forward(ctx, image);
        NDArray clsText = child(net, "cross_modal_text_pooler", Pooler.class).forward(ctx, textFeats);
        NDArray avgImage = imageFeats.mean(new int[] {1}, true);
        NDArray clsImage = child(net, "cross_modal_image_pooler", Pooler.class).forward(ctx, avgImage);
        return new FusedFeatures(textFeats, imageFeats, NDArrays.concat(new NDList(clsText, clsImage), -1));
    }

    /**
     * @param parent a block
     * @param name official attribute name of a child
     * @param type its expected class
     * @param <T> the class
     * @return the child
     * @throws IllegalStateException if there is no such child
     */
    static <T extends StateDictBlock> T child(StateDictBlock parent, String name, Class<T> type) {
        StateDictBlock c = parent.namedChildren().get(name);
        if (!type.isInstance(c)) {
            throw new IllegalStateException("the network has no " + type.getSimpleName() + " '" + name + "'");
        }
        return type.cast(c);
    }

    private NDArray floats(NDArray x) {
        if (!x.getDataType().isFloating()) {
            throw new IllegalArgumentException("expected a floating-point array, got " + x.getDataType());
        }
        return x.toType(model.dataType(), false);
    }

    private NDArray ids(NDArray x) {
        NDArray ids = x.getDataType() == DataType.INT64 ? x : x.toType(DataType.INT64, false);
        model.block().textTransformer().embeddings().validate(ids);
        return ids;
    }

    private static void checkText(NDArray ids, NDArray masks) {
        if (!ids.getShape().equals(masks.getShape())) {
            throw new IllegalArgumentException("text_ids and text_masks must both be (B, T); got " + ids.getShape() + " and " + masks.getShape());
        }
    }

    private NDArray run(NDManager out, Function<NDArray[], NDArray> body, NDArray... inputs) {
        return runAll(out, in -> new NDArray[] {body.apply(in)}, inputs)[0];
    }

    private NDArray[] runAll(NDManager out, Function<NDArray[], NDArray[]> body, NDArray... inputs) {
        Map<NDArray, Boolean> given = new IdentityHashMap<>();
        for (NDArray a : inputs) {
            if (a == null) {
                throw new IllegalArgumentException("input arrays must not be null");
            }
            given.put(a, Boolean.TRUE);
        }
        try (NDManager scope = out.newSubManager(model.device())) {
            scope.tempAttachAll(given.keySet().toArray(new NDArray[0]));
            NDArray[] moved = new NDArray[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                moved[i] = inputs[i].toDevice(model.device(), false);
            }
            NDArray[] r = body.apply(moved);
            for (NDArray a : r) {
                if (!given.containsKey(a)) {
                    a.attach(out);
                }
            }
            return r;
        }
    }
}
