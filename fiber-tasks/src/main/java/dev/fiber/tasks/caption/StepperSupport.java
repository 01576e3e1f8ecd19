package dev.fiber.tasks.caption;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/** Shared last part of a decoding step: {@code <mask>} suppression and {@code log_softmax}. */
final class StepperSupport {

    /** The value {@code caption_test_step} writes into the {@code <mask>} logit. */
    static final float MASK_LOGIT = -10000f;

    private StepperSupport() {}

    /**
     * @param logits (rows, 1, V) or (rows, V) vocabulary logits of one position
     * @param maskId the {@code <mask>} id
     * @return row-major log-probabilities (float32)
     */
    static float[] logProbs(NDArray logits, int maskId) {
        long rows = logits.getShape().get(0);
        long v = logits.getShape().get(logits.getShape().dimension() - 1);
        NDArray x = logits.reshape(rows, v).toType(DataType.FLOAT32, true);
        x.set(new NDIndex(":, " + maskId), MASK_LOGIT);
        return x.logSoftmax(-1).toFloatArray();
    }
}
