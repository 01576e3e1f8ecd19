package dev.fiber.tasks.common;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.core.model.FiberModel;

/**
 * Base of the DJL blocks that run one FIBER task (VQA, retrieval, NLVR2, captioning) on a loaded
 * {@link FiberModel}: {@code forward(NDList)} maps the arrays a task's {@code Translator} produces to
 * the head outputs its {@code processOutput} reads, so each task works through DJL's
 * {@code Criteria} / {@code ZooModel} / {@code Predictor} machinery.
 *
 * <p>Inference only (eval mode): the parameters are the model's own arrays, read directly (the
 * predictor's {@link ParameterStore} is not consulted); for training use
 * {@link FiberModel#block()}. Every forward call computes in a temporary scope of the inputs'
 * manager and returns arrays owned by it. Forward calls may run concurrently (the model is only read),
 * so one block serves many predictors.
 */
public abstract class FiberTaskBlock extends AbstractBlock {

    /** The model the task runs on. */
    protected final FiberModel model;

    /**
     * @param model the loaded model (not closed by the block; {@link FiberTaskModel} owns it)
     */
    protected FiberTaskBlock(FiberModel model) {
        this.model = model;
    }

    /** @return the model the task runs on */
    public FiberModel fiberModel() {
        return model;
    }

    @Override
    protected final NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        if (training) {
            throw new UnsupportedOperationException(getClass().getSimpleName()
                    + " runs inference only; train through FiberModel.block() (dev.fiber.core.model.FiberTransformer)");
        }
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " got no input arrays");
        }
        return forwardTask(inputs.head().getManager(), inputs);
    }

    /**
     * Runs the task.
     *
     * @param out manager of the inputs, which must own the outputs
     * @param inputs the arrays of the task's translator
     * @return the outputs
     */
    protected abstract NDList forwardTask(NDManager out, NDList inputs);

    /**
     * @param inputs the inputs
     * @param count expected number of arrays
     * @param layout description for the error message
     */
    protected static void expect(NDList inputs, int count, String layout) {
        if (inputs.size() != count) {
            throw new IllegalArgumentException("expected " + count + " input arrays " + layout + ", got " + inputs.size());
        }
    }

    /**
     * @param a an int64 options array of shape (n) or (B, n) (stacked by a batchifier)
     * @param i position
     * @return the option value (of the first row)
     */
    protected static long option(NDArray a, int i) {
        long[] v = a.toLongArray();
        if (i >= a.getShape().get(a.getShape().dimension() - 1)) {
            throw new IllegalArgumentException("options array " + a.getShape() + " has no entry " + i);
        }
        return v[i];
    }

    /**
     * @param inputShapes shapes of the input arrays
     * @param i index
     * @return the batch size (first dimension) of input {@code i}
     */
    protected static long batch(Shape[] inputShapes, int i) {
        if (inputShapes.length <= i || inputShapes[i].dimension() == 0) {
            throw new IllegalArgumentException("missing input " + i + " to derive the output shape from");
        }
        return inputShapes[i].get(0);
    }
}
