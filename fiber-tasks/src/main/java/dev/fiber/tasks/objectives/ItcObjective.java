package dev.fiber.tasks.objectives;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.fiber.core.model.FiberTransformer;
import dev.fiber.core.model.ForwardContext;
import dev.fiber.core.model.Nn;
import dev.fiber.tasks.train.NoGrad;
import java.util.Objects;

/**
 * Image-text contrastive loss with ALBEF-style queues and hard-negative sampling, official
 * {@code objectives.compute_itc} (paper Sec. 3.2, "image-text contrastive loss"):
 * <ol>
 *   <li>the learnable temperature is clamped in place to [0.001, 1] (no gradient);</li>
 *   <li>image and text are encoded separately ({@code infer(image_only)} / {@code infer(text_only)}), giving
 *       L2-normalised features;</li>
 *   <li>{@code sim_i2t = img @ cat(txt^T, text_queue) / temp}, {@code sim_t2i = txt @ cat(img^T, image_queue) / temp}
 *       over all queue columns (queues and the batch columns detached), one-hot targets on the diagonal,
 *       loss = (CE(sim_i2t) + CE(sim_t2i)) / 2; gradients reach {@code temp} and both towers;</li>
 *   <li>without gradient, {@code softmax} over the first {@code B + candidates} columns, diagonal zeroed,
 *       {@code + 1e-9}: one hard negative image per text (from {@code weights_t2i}) and one negative text
 *       per image (from {@code weights_i2t}), candidates being the batch then the queued inputs;</li>
 *   <li>in training mode the batch is enqueued ({@link ItcQueue#enqueue}).</li>
 * </ol>
 */
public final class ItcObjective {

    /** Lower clamp of the temperature. */
    public static final float MIN_TEMP = 0.001f;
    /** Upper clamp of the temperature. */
    public static final float MAX_TEMP = 1.0f;

    private ItcObjective() {}

    /**
     * Runs the objective.
     *
     * @param model   the network (with {@code temp})
     * @param ctx     forward context; in training mode the queue is updated afterwards
     * @param queue   the queue state
     * @param image   (B, 3, S, S)
     * @param textIds (B, T) int64
     * @param masks   (B, T)
     * @param sampler draws the hard negatives (first the B image negatives, then the B text negatives)
     * @return loss, similarities, features and the negatives
     */
    public static ItcOutput compute(FiberTransformer model, ForwardContext ctx, ItcQueue queue, NDArray image, NDArray textIds,
            NDArray masks, NegativeSampler sampler) {
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(sampler, "sampler");
        Parameter tempParam = model.temperature();
        if (tempParam == null) {
            throw new IllegalStateException("this model has no ITC temperature (loss_names.itc is 0)");
        }
        clampTemperature(tempParam);
        int bs = (int) image.getShape().get(0);
        if (textIds.getShape().get(0) != bs) {
            throw new IllegalArgumentException("image batch " + bs + " != text batch " + textIds.getShape().get(0));
        }
        NDArray imageFeat = model.inferImage(ctx, image).cls();
        NDArray textFeat = model.inferText(ctx, textIds, masks).cls();
        if (imageFeat.getShape().get(1) != queue.hidden()) {
            throw new IllegalArgumentException("features of width " + imageFeat.getShape().get(1) + " but a queue of width " + queue.hidden());
        }
        NDArray imageQueue = queue.imageQueue().toDevice(imageFeat.getDevice(), false);
        NDArray textQueue = queue.textQueue().toDevice(imageFeat.getDevice(), false);
        NDArray imageFeatAll = NDArrays.concat(new NDList(imageFeat.transpose().stopGradient(), imageQueue.stopGradient()), 1);
        NDArray textFeatAll = NDArrays.concat(new NDList(textFeat.transpose().stopGradient(), textQueue.stopGradient()), 1);
        NDArray temp = ctx.value(tempParam, imageFeat);
        NDArray simI2t = imageFeat.matMul(textFeatAll).div(temp);
        NDArray simT2i = textFeat.matMul(imageFeatAll).div(temp);
        NDArray diag = imageFeat.getManager().arange(0, bs, 1, DataType.INT64).toDevice(imageFeat.getDevice(), false).expandDims(1);
        NDArray lossI2t = simI2t.logSoftmax(1).gather(diag, 1).mean().neg();
        NDArray lossT2i = simT2i.logSoftmax(1).gather(diag, 1).mean().neg();
        NDArray loss = Nn.divScalar(lossI2t.add(lossT2i), 2f);

        int cand = queue.candidates();
        int cols = bs + cand;
        float[][] weightsI2t = samplingWeights(simI2t, bs, cols);
        float[][] weightsT2i = samplingWeights(simT2i, bs, cols);
        int[] negImage = new int[bs];
        int[] negText = new int[bs];
        for (int b = 0; b < bs; b++) {
            negImage[b] = checkedSample(sampler, weightsT2i[b]);
        }
        for (int b = 0; b < bs; b++) {
            negText[b] = checkedSample(sampler, weightsI2t[b]);
        }
        NDManager m = image.getManager();
        NDArray imageNeg = gatherImages(m, image, queue, negImage);
        NDArray textNeg = gatherTexts(m, textIds, queue, negText, false);
        NDArray textMaskNeg = gatherTexts(m, masks, queue, negText, true);

        if (ctx.training()) {
            queue.enqueue(imageFeat, textFeat, image, textIds, masks);
        }
        return new ItcOutput(loss, simI2t, simT2i, imageFeat, textFeat, weightsT2i, weightsI2t, negImage, negText, imageNeg, textNeg,
                textMaskNeg);
    }

    /**
     * The official {@code temp.clamp_(0.001, 1.0)} under {@code torch.no_grad()}: sets the parameter's
     * value in place when it lies outside the range.
     *
     * @param temp the temperature parameter
     */
    public static void clampTemperature(Parameter temp) {
        NDArray t = temp.getArray();
        float v = t.toFloatArray()[0];
        float c = Math.max(MIN_TEMP, Math.min(MAX_TEMP, v));
        if (c != v) {
            try (NoGrad ng = NoGrad.enter()) {
                t.set(new float[] {c});
            }
        }
    }

    private static float[][] samplingWeights(NDArray sim, int bs, int cols) {
        float[] w = sim.stopGradient().get(":, :{}", cols).softmax(1).toType(DataType.FLOAT32, false).toFloatArray();
        float[][] rows = new float[bs][cols];
        for (int b = 0; b < bs; b++) {
            for (int j = 0; j < cols; j++) {
                float v = j == b ? 0f : w[b * cols + j];
                rows[b][j] = v + 1e-9f;
            }
        }
        return rows;
    }

    private static int checkedSample(NegativeSampler sampler, float[] weights) {
        int idx = sampler.sample(weights);
        if (idx < 0 || idx >= weights.length) {
            throw new IllegalStateException("negative sampler returned " + idx + " for " + weights.length + " candidates");
        }
        return idx;
    }

    private static NDArray gatherImages(NDManager m, NDArray image, ItcQueue queue, int[] idx) {
        int bs = (int) image.getShape().get(0);
        Shape row = image.getShape().slice(1);
        NDList rows = new NDList();
        for (int i : idx) {
            if (i < bs) {
                rows.add(image.get(i).stopGradient());
            } else {
                rows.add(m.create(queue.imageInput(i - bs), row).toType(image.getDataType(), false).toDevice(image.getDevice(), false));
            }
        }
        return NDArrays.stack(rows, 0);
    }

    private static NDArray gatherTexts(NDManager m, NDArray batch, ItcQueue queue, int[] idx, boolean masks) {
        int bs = (int) batch.getShape().get(0);
        long len = batch.getShape().get(1);
        NDList rows = new NDList();
        for (int i : idx) {
            if (i < bs) {
                rows.add(batch.get(i));
            } else {
                long[] v = masks ? queue.textMask(i - bs) : queue.textInput(i - bs);
                if (v.length != len) {
                    throw new IllegalArgumentException("queued text of length " + v.length + " but the batch has length " + len);
                }
                rows.add(m.create(v).toType(batch.getDataType(), false).toDevice(batch.getDevice(), false));
            }
        }
        return NDArrays.stack(rows, 0);
    }
}
