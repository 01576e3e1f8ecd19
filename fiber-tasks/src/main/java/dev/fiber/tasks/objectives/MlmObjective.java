package dev.fiber.tasks.objectives;

import ai.djl.ndarray.NDArray;
import dev.fiber.core.model.FeatureTrace;
import dev.fiber.core.model.FiberTransformer;
import dev.fiber.core.model.ForwardContext;

/**
 * Masked language modelling (continued pre-training), official {@code objectives.compute_mlm}: the
 * fused pass on the masked text ({@code text_ids_mlm}, see {@link MlmMasking}) with the ordinary
 * attention mask, the MLM head on every text position, cross-entropy against {@code text_labels_mlm}
 * (-100 except at the masked positions), mean over the masked positions.
 */
public final class MlmObjective {

    private MlmObjective() {}

    /**
     * @param model     the network (with {@code mlm_score})
     * @param ctx       forward context
     * @param image     (B, 3, S, S)
     * @param maskedIds (B, T) int64, the masked text
     * @param masks     (B, T) attention mask of the unmasked text
     * @param labels    (B, T) int64, original ids at masked positions, -100 elsewhere
     * @return loss, logits (B, T, vocab), labels
     */
    public static LossOutput compute(FiberTransformer model, ForwardContext ctx, NDArray image, NDArray maskedIds, NDArray masks,
            NDArray labels) {
        NDArray feats = model.infer(ctx, image, maskedIds, masks, FeatureTrace.NONE).textFeats();
        NDArray logits = model.mlmLogits(ctx, feats);
        long vocab = logits.getShape().get(2);
        NDArray loss = Losses.crossEntropy(logits.reshape(-1, vocab), labels.reshape(-1));
        return new LossOutput(loss, logits, labels);
    }
}
