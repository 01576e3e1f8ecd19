package dev.fiber.tasks.vqa;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fiber.core.model.FiberModel;
import dev.fiber.core.model.FusedFeatures;
import dev.fiber.core.model.FusionCache;
import dev.fiber.tasks.common.FiberTaskBlock;

/**
 * DJL block of FIBER VQA (official {@code compute_vqa}): the fused pass and {@code vqa_classifier}
 * on {@code cls_feats}.
 *
 * <p>Inputs: {@code image} (B, 3, S, S), {@code text_ids} (Bt, T), {@code text_masks} (Bt, T) with
 * {@code Bt == B}, or {@code B == 1} for several questions about one image, in which case the
 * image's uni-modal bottom is computed once ({@link FusionCache}). Output: logits (Bt, answers).
 */
public final class VqaBlock extends FiberTaskBlock {

    private final FusionCache cache;

    /**
     * @param model a model with {@code vqa_classifier}
     */
    public VqaBlock(FiberModel model) {
        super(model);
        this.cache = new FusionCache(model);
    }

    @Override
    protected NDList forwardTask(NDManager out, NDList inputs) {
        expect(inputs, 3, "[image (B,3,S,S), text_ids (B,T), text_masks (B,T)]");
        NDArray image = inputs.get(0);
        NDArray ids = inputs.get(1);
        NDArray masks = inputs.get(2);
        try (NDManager scope = out.newSubManager(model.device())) {
            FusedFeatures f = fused(model, cache, scope, image, ids, masks);
            NDArray logits = model.vqaLogits(scope, f.clsFeats());
            logits.attach(out);
            return new NDList(logits);
        }
    }

    /**
     * The fused features of one image against several texts through the cache, or the plain fused
     * pass for paired batches.
     *
     * @param model the model
     * @param cache its fusion cache
     * @param out manager of the results
     * @param image (B, 3, S, S)
     * @param ids (Bt, T)
     * @param masks (Bt, T)
     * @return features for Bt rows
     */
    static FusedFeatures fused(FiberModel model, FusionCache cache, NDManager out, NDArray image, NDArray ids, NDArray masks) {
        long b = image.getShape().get(0);
        long bt = ids.getShape().get(0);
        if (b == 1 && bt > 1) {
            return cache.inferFromBottoms(out, cache.encodeImageBottom(out, image), cache.encodeTextBottom(out, ids, masks));
        }
        if (b != bt) {
            throw new IllegalArgumentException(b + " images but " + bt + " questions (give one image or one per question)");
        }
        return model.infer(out, image, ids, masks);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(Math.max(batch(inputShapes, 0), batch(inputShapes, 1)), model.config().vqav2LabelSize())};
    }
}
