package dev.fiber.tasks.objectives;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import dev.fiber.core.model.FeatureTrace;
import dev.fiber.core.model.FiberTransformer;
import dev.fiber.core.model.ForwardContext;

/**
 * Image-text matching with hard negatives, official {@code objectives.compute_itm_hardneg} (paper Sec. 3.2):
 * 3·B pairs {@code [image | image | image_neg] x [text | text_neg | text]} through the fused pass,
 * {@code itm_score} on {@code cls_feats}, labels {@code [1]*B + [0]*2B}, cross-entropy (mean). The
 * negatives come from {@link ItcObjective} (official {@code compute_itc} runs first in the same step).
 */
public final class ItmHardNegativeObjective {

    private ItmHardNegativeObjective() {}

    /**
     * @param model       the network (with {@code itm_score})
     * @param ctx         forward context
     * @param image       (B, 3, S, S)
     * @param textIds     (B, T) int64
     * @param masks       (B, T)
     * @param imageNeg    (B, 3, S, S) negative image per text
     * @param textNeg     (B, T) negative text per image
     * @param textMaskNeg (B, T) its mask
     * @return loss, logits (3B, 2), labels (3B)
     */
    public static LossOutput compute(FiberTransformer model, ForwardContext ctx, NDArray image, NDArray textIds, NDArray masks,
            NDArray imageNeg, NDArray textNeg, NDArray textMaskNeg) {
        int bs = (int) image.getShape().get(0);
        NDArray images = NDArrays.concat(new NDList(image, image, imageNeg.toType(image.getDataType(), false)), 0);
        NDArray ids = NDArrays.concat(new NDList(textIds, textNeg.toType(textIds.getDataType(), false), textIds), 0);
        NDArray mk = NDArrays.concat(new NDList(masks, textMaskNeg.toType(masks.getDataType(), false), masks), 0);
        NDArray cls = model.infer(ctx, images, ids, mk, FeatureTrace.NONE).clsFeats();
        NDArray logits = model.itmLogits(ctx, cls);
        long[] lab = new long[3 * bs];
        for (int i = 0; i < bs; i++) {
            lab[i] = 1;
        }
        NDArray labels = image.getManager().create(lab).toDevice(logits.getDevice(), false);
        return new LossOutput(Losses.crossEntropy(logits, labels), logits, labels.toType(DataType.INT64, false));
    }
}
