package dev.fiber.tasks.objectives;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * The loss functions of FIBER's {@code objectives.py}, as differentiable libtorch operations:
 * PyTorch's {@code F.cross_entropy(..., ignore_index=-100)} (mean over the non-ignored rows) and
 * {@code F.binary_cross_entropy_with_logits} (mean over all elements).
 */
public final class Losses {

    /** The label value that {@link #crossEntropy} ignores (PyTorch's default {@code ignore_index}). */
    public static final long IGNORE_INDEX = -100;

    private Losses() {}

    /**
     * {@code F.cross_entropy(logits, labels, ignore_index=-100)}: {@code -log_softmax(logits)[i, labels[i]]}
     * averaged over the rows whose label is not {@link #IGNORE_INDEX}. Like PyTorch, a batch whose labels
     * are all ignored gives NaN (0 / 0).
     *
     * @param logits (N, C) floating
     * @param labels (N) integer class indices in [0, C) or {@link #IGNORE_INDEX}
     * @return the 0-d mean loss
     * @throws IllegalArgumentException if the shapes disagree or a label is out of range
     */
    public static NDArray crossEntropy(NDArray logits, NDArray labels) {
        if (logits.getShape().dimension() != 2 || labels.getShape().dimension() != 1
                || labels.getShape().get(0) != logits.getShape().get(0)) {
            throw new IllegalArgumentException("cross entropy expects logits (N, C) and labels (N), got "
                    + logits.getShape() + " and " + labels.getShape());
        }
        NDArray lab = labels.toType(DataType.INT64, false);
        long classes = logits.getShape().get(1);
        NDArray keep = lab.neq(IGNORE_INDEX);
        if (lab.size() > 0) {
            NDArray kept = lab.mul(keep.toType(DataType.INT64, false));
            long min = kept.min().getLong();
            long max = kept.max().getLong();
            if (min < 0 || max >= classes) {
                throw new IllegalArgumentException("cross entropy label out of range [0, " + classes + "): min " + min + ", max " + max
                        + " (only " + IGNORE_INDEX + " may be outside)");
            }
        }
        NDArray safe = lab.mul(keep.toType(DataType.INT64, false));
        NDArray logp = logits.logSoftmax(-1);
        NDArray picked = logp.gather(safe.expandDims(1), 1).squeeze(1);
        NDArray weight = keep.toType(logits.getDataType(), false);
        return picked.mul(weight).sum().neg().div(weight.sum());
    }

    /**
     * {@code F.binary_cross_entropy_with_logits(logits, targets)}: the mean over all elements of
     * {@code (1 - t) x + log(1 + exp(-x))} (computed stably as {@code (1 - t) x + softplus(-x)}).
     *
     * @param logits any shape, floating
     * @param targets the same shape, in [0, 1]
     * @return the 0-d mean loss
     */
    public static NDArray bceWithLogits(NDArray logits, NDArray targets) {
        if (!logits.getShape().equals(targets.getShape())) {
            throw new IllegalArgumentException("BCE logits " + logits.getShape() + " and targets " + targets.getShape() + " differ in shape");
        }
        NDArray t = targets.toType(logits.getDataType(), false);
        NDArray softplusNeg = logits.neg().getNDArrayInternal().softPlus();
        return t.neg().add(1).mul(logits).add(softplusNeg).mean();
    }
}
