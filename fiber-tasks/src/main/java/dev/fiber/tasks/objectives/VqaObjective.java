package dev.fiber.tasks.objectives;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fiber.core.model.FiberTransformer;
import dev.fiber.core.model.FeatureTrace;
import dev.fiber.core.model.ForwardContext;
import dev.fiber.core.model.Nn;

/**
 * VQA fine-tuning loss, official {@code objectives.compute_vqa}: the fused pass, {@code vqa_classifier}
 * on {@code cls_feats}, and binary cross-entropy with logits against the dense soft-score targets,
 * <b>multiplied by the number of answer classes</b> (as in BAN-VQA: the sum of all element losses
 * divided by the batch size, not their mean).
 */
public final class VqaObjective {

    private VqaObjective() {}

    /**
     * @param model   the network
     * @param ctx     forward context (training mode, parameter store)
     * @param image   (B, 3, S, S)
     * @param textIds (B, T) int64
     * @param masks   (B, T)
     * @param targets (B, vqav2_label_size) soft scores ({@link #denseTargets})
     * @return loss, logits (B, classes) and the targets
     */
    public static LossOutput compute(FiberTransformer model, ForwardContext ctx, NDArray image, NDArray textIds, NDArray masks,
            NDArray targets) {
        NDArray cls = model.infer(ctx, image, textIds, masks, FeatureTrace.NONE).clsFeats();
        return fromClsFeats(model, ctx, cls, targets);
    }

    /**
     * The loss on already fused features: {@code vqa_classifier} on {@code cls_feats}, BCE with logits x number
     * of answer classes (for callers that run the fused pass themselves, e.g. with a shared image bottom).
     *
     * @param model   the network
     * @param ctx     forward context
     * @param cls     (B, 2 * hidden) {@code cls_feats} of the fused pass
     * @param targets (B, vqav2_label_size) soft scores
     * @return loss, logits and the targets
     */
    public static LossOutput fromClsFeats(FiberTransformer model, ForwardContext ctx, NDArray cls, NDArray targets) {
        NDArray logits = model.vqaLogits(ctx, cls);
        if (!targets.getShape().equals(logits.getShape())) {
            throw new IllegalArgumentException("VQA targets " + targets.getShape() + " do not match logits " + logits.getShape()
                    + " (batch x vqav2_label_size)");
        }
        NDArray loss = Nn.mulScalar(Losses.bceWithLogits(logits, targets), logits.getShape().get(1));
        return new LossOutput(loss, logits, targets);
    }

    /**
     * The official target tensor: zeros with {@code target[i, labels[i][k]] = scores[i][k]} (assignment in
     * order, so a repeated label keeps its last score; an empty label list leaves a zero row).
     *
     * @param manager    owner of the result
     * @param labels     per sample the answer class ids
     * @param scores     per sample the matching soft scores
     * @param numClasses {@code vqav2_label_size}
     * @return (B, numClasses) float32
     */
    public static NDArray denseTargets(NDManager manager, int[][] labels, float[][] scores, int numClasses) {
        if (labels.length != scores.length) {
            throw new IllegalArgumentException(labels.length + " label lists but " + scores.length + " score lists");
        }
        float[] t = new float[labels.length * numClasses];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i].length != scores[i].length) {
                throw new IllegalArgumentException("sample " + i + ": " + labels[i].length + " labels but " + scores[i].length + " scores");
            }
            for (int k = 0; k < labels[i].length; k++) {
                int l = labels[i][k];
                if (l < 0 || l >= numClasses) {
                    throw new IllegalArgumentException("sample " + i + ": label " + l + " outside [0, " + numClasses + ")");
                }
                t[i * numClasses + l] = scores[i][k];
            }
        }
        return manager.create(t, new Shape(labels.length, numClasses));
    }
}
