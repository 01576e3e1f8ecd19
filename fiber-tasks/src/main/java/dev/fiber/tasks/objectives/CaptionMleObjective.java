package dev.fiber.tasks.objectives;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fiber.core.model.CaptionFeatures;
import dev.fiber.core.model.FiberTransformer;
import dev.fiber.core.model.ForwardContext;

/**
 * Captioning loss (maximum likelihood, teacher forcing), official {@code objectives.compute_caption_mle}:
 * {@code infer_caption} (causal text decoder cross-attending to the un-fused Swin features), the MLM head
 * on every position, and cross-entropy against the next token: labels are {@code text_ids} shifted left by
 * one with a padding column appended, and every {@code <pad>} label ignored ({@code </s>} is a label).
 */
public final class CaptionMleObjective {

    private CaptionMleObjective() {}

    /**
     * @param model      the network (with captioning layers)
     * @param ctx        forward context
     * @param image      (B, 3, S, S)
     * @param textIds    (B, T) int64 caption ids ({@code <s>} ... {@code </s>} then padding)
     * @param masks      (B, T)
     * @param padTokenId the tokenizer's {@code <pad>} id (1 for RoBERTa)
     * @return loss, logits (B, T, vocab), labels (B, T)
     */
    public static LossOutput compute(FiberTransformer model, ForwardContext ctx, NDArray image, NDArray textIds, NDArray masks,
            long padTokenId) {
        NDArray embeds = model.captionImageEmbeds(ctx, image);
        CaptionFeatures f = model.inferCaption(ctx, embeds, textIds, masks);
        NDArray logits = model.mlmLogits(ctx, f.textFeats());
        NDArray labels = shiftedLabels(textIds, padTokenId);
        long vocab = logits.getShape().get(2);
        NDArray loss = Losses.crossEntropy(logits.reshape(-1, vocab), labels.reshape(-1));
        return new LossOutput(loss, logits, labels);
    }

    /**
     * The official caption labels: {@code cat(ids[:, 1:], pad)} with every pad replaced by -100.
     *
     * @param textIds    (B, T) int64
     * @param padTokenId the {@code <pad>} id
     * @return (B, T) int64, created by {@code textIds}' manager
     */
    public static NDArray shiftedLabels(NDArray textIds, long padTokenId) {
        Shape s = textIds.getShape();
        NDArray ids = textIds.toType(DataType.INT64, false);
        NDArray next = ids.get(":, 1:");
        NDArray padCol = ids.get(":, :1").zerosLike().add(padTokenId);
        NDArray shifted = NDArrays.concat(new NDList(next, padCol), 1);
        NDArray isPad = shifted.eq(padTokenId);
        NDArray ignore = shifted.zerosLike().add(Losses.IGNORE_INDEX);
        NDArray out = NDArrays.where(isPad, ignore, shifted);
        if (!out.getShape().equals(s)) {
            throw new IllegalStateException("caption labels " + out.getShape() + " != ids " + s);
        }
        return out;
    }
}
