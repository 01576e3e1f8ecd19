package dev.fiber.tasks.retrieval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fiber.core.model.FiberModel;
import dev.fiber.core.model.FusedFeatures;
import dev.fiber.core.model.FusionCache;
import dev.fiber.tasks.common.CheckpointKindException;
import dev.fiber.tasks.common.FiberTaskBlock;

/**
 * DJL block of FIBER image-text retrieval: ITC embeddings (official {@code infer(image_only=True)} /
 * {@code infer(text_only=True)} cls, L2-normalised, as {@code compute_itc_recall} uses them) and ITM
 * logits ({@code itm_score} on the fused {@code cls_feats}, {@code compute_itm_recall}).
 *
 * <p>Inputs select the output:
 * <ul>
 *   <li>{@code [image (B,3,S,S)]} → {@code [image embeddings (B, h)]};</li>
 *   <li>{@code [text_ids (B,T), text_masks (B,T)]} → {@code [text embeddings (B, h)]};</li>
 *   <li>{@code [image (Bi,3,S,S), text_ids (Bt,T), text_masks (Bt,T)]} and optionally an int64
 *       options array ({@code [use_cache]}, first row counts) → {@code [itm logits (max(Bi,Bt), 2)]}.
 *       With {@code Bi == 1 < Bt} or {@code Bt == 1 < Bi} the single side is broadcast; by default its
 *       uni-modal bottom is then computed once ({@link FusionCache}); {@code use_cache = 0} repeats the
 *       input and runs the plain fused pass instead (for comparison).</li>
 * </ul>
 */
public final class RetrievalBlock extends FiberTaskBlock {

    private final FusionCache cache;

    /**
     * @param model a FIBER model (ITM needs {@code itm_score})
     */
    public RetrievalBlock(FiberModel model) {
        super(model);
        this.cache = new FusionCache(model);
    }

    @Override
    protected NDList forwardTask(NDManager out, NDList inputs) {
        switch (inputs.size()) {
            case 1 -> {
                NDArray cls = model.inferImage(out, inputs.get(0)).cls();
                return new NDList(cls);
            }
            case 2 -> {
                NDArray cls = model.inferText(out, inputs.get(0), inputs.get(1)).cls();
                return new NDList(cls);
            }
            case 3, 4 -> {
                boolean useCache = inputs.size() < 4 || option(inputs.get(3), 0) != 0;
                return new NDList(itmLogits(out, inputs.get(0), inputs.get(1), inputs.get(2), useCache));
            }
            default -> throw new IllegalArgumentException("retrieval expects [image], [text_ids, text_masks] or "
                    + "[image, text_ids, text_masks(, options)], got " + inputs.size() + " arrays");
        }
    }

    /**
     * @param out manager of the result
     * @param image (Bi, 3, S, S)
     * @param ids (Bt, T)
     * @param masks (Bt, T)
     * @param useCache compute a broadcast side's uni-modal bottom once
     * @return ITM logits (max(Bi, Bt), 2)
     */
    NDArray itmLogits(NDManager out, NDArray image, NDArray ids, NDArray masks, boolean useCache) {
        CheckpointKindException.require(model.config(), model.config().hasItm(), "itm_score", "score image-text matches (ITM)",
                "fiber-coco-retrieval-itm", "in use");
        long bi = image.getShape().get(0);
        long bt = ids.getShape().get(0);
        if (bi != bt && bi != 1 && bt != 1) {
            throw new IllegalArgumentException(bi + " images and " + bt + " texts: give one image, one text, or aligned pairs");
        }
        try (NDManager scope = out.newSubManager(model.device())) {
            scope.tempAttachAll(image, ids, masks);
            FusedFeatures f;
            if (bi != bt && useCache) {
                f = cache.inferFromBottoms(scope, cache.encodeImageBottom(scope, image), cache.encodeTextBottom(scope, ids, masks));
            } else if (bi != bt) {
                f = bi == 1 ? model.infer(scope, image.repeat(0, bt), ids, masks)
                        : model.infer(scope, image, ids.repeat(0, bi), masks.repeat(0, bi));
            } else {
                f = model.infer(scope, image, ids, masks);
            }
            NDArray logits = model.itmLogits(scope, f.clsFeats());
            logits.attach(out);
            return logits;
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        if (inputShapes.length <= 2) {
            return new Shape[] {new Shape(batch(inputShapes, 0), model.config().hiddenSize())};
        }
        return new Shape[] {new Shape(Math.max(batch(inputShapes, 0), batch(inputShapes, 1)), 2)};
    }
}
