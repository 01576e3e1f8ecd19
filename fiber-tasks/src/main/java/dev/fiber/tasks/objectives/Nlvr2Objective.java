package dev.fiber.tasks.objectives;

import ai.djl.ndarray.NDArray;
import dev.fiber.core.model.FeatureTrace;
import dev.fiber.core.model.FiberTransformer;
import dev.fiber.core.model.ForwardContext;

/**
 * NLVR2 fine-tuning loss, official {@code objectives.compute_nlvr2}: two fused passes with the same
 * sentence, one per image ({@code image_0}, {@code image_1}; FIBER has no image token-type embedding,
 * {@code image_token_type_idx} only selects the image), {@code nlvr2_classifier} on the concatenated
 * {@code cls_feats} (4·hidden), cross-entropy (mean) against the true/false answers.
 */
public final class Nlvr2Objective {

    private Nlvr2Objective() {}

    /**
     * @param model   the network
     * @param ctx     forward context
     * @param image0  (B, 3, S, S) left image
     * @param image1  (B, 3, S, S) right image
     * @param textIds (B, T) int64
     * @param masks   (B, T)
     * @param answers (B) int64, 1 = true, 0 = false
     * @return loss, logits (B, 2), labels
     */
    public static LossOutput compute(FiberTransformer model, ForwardContext ctx, NDArray image0, NDArray image1, NDArray textIds,
            NDArray masks, NDArray answers) {
        NDArray cls0 = model.infer(ctx, image0, textIds, masks, FeatureTrace.NONE).clsFeats();
        NDArray cls1 = model.infer(ctx, image1, textIds, masks, FeatureTrace.NONE).clsFeats();
        NDArray logits = model.nlvr2Logits(ctx, cls0, cls1);
        return new LossOutput(Losses.crossEntropy(logits, answers), logits, answers);
    }
}
