package dev.fiber.tasks.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.fiber.core.model.FiberModel;
import dev.fiber.core.model.ForwardContext;
import dev.fiber.tasks.data.BatchIterator;
import dev.fiber.tasks.data.DataLoader;
import dev.fiber.tasks.data.VqaBatch;
import dev.fiber.tasks.metrics.VqaScore;
import dev.fiber.tasks.objectives.LossOutput;
import dev.fiber.tasks.objectives.VqaObjective;
import dev.fiber.tasks.train.Evaluator;
import dev.fiber.tasks.train.TrainingStep;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * VQA fine-tuning (FIBER's {@code task_finetune_vqa}: {@code loss_names = {"vqa": 1}}): the training loss
 * is {@link VqaObjective}; validation reports the official VQA score ({@link VqaScore}: the soft score of
 * the arg-max answer, averaged) and the mean VQA loss.
 */
public final class VqaFinetune {

    /** Name of the main validation metric. */
    public static final String SCORE = "vqa_score";

    private VqaFinetune() {}

    /**
     * @param model the model being trained
     * @return the training loss of a VQA batch
     */
    public static TrainingStep<VqaBatch> step(FiberModel model) {
        return (ctx, batch, m) -> {
            Inputs in = inputs(model, batch, m);
            return VqaObjective.compute(model.block(), ctx, in.image, in.ids, in.masks, in.targets).loss();
        };
    }

    /**
     * @param loader validation batches (with targets)
     * @return an evaluator reporting {@value #SCORE} and {@code vqa_loss} over the whole loader
     */
    public static Evaluator evaluator(DataLoader<?, VqaBatch> loader) {
        return model -> {
            VqaScore score = new VqaScore();
            double lossSum = 0;
            long n = 0;
            try (BatchIterator<VqaBatch> it = loader.epoch(0)) {
                while (it.hasNext()) {
                    VqaBatch batch = it.next();
                    try (NDManager m = model.manager().newSubManager()) {
                        Inputs in = inputs(model, batch, m);
                        LossOutput o = VqaObjective.compute(model.block(), ForwardContext.INFERENCE, in.image, in.ids, in.masks, in.targets);
                        lossSum += (double) o.loss().getFloat() * batch.size();
                        n += batch.size();
                        score.update(rows(o.logits()), rows(in.targets));
                    }
                }
            }
            Map<String, Double> out = new LinkedHashMap<>();
            out.put(SCORE, (double) score.compute());
            out.put("vqa_loss", n == 0 ? Double.NaN : lossSum / n);
            return out;
        };
    }

    /** A batch's tensors on the model's device. */
    record Inputs(NDArray image, NDArray ids, NDArray masks, NDArray targets) {}

    static Inputs inputs(FiberModel model, VqaBatch batch, NDManager m) {
        return new Inputs(batch.inputs().images(m).toDevice(model.device(), false), batch.inputs().inputIds(m).toDevice(model.device(), false),
                batch.inputs().attentionMask(m).toDevice(model.device(), false), batch.targets(m).toDevice(model.device(), false));
    }

    static float[][] rows(NDArray a) {
        int b = (int) a.getShape().get(0);
        int c = (int) a.getShape().get(1);
        float[] flat = a.toFloatArray();
        float[][] out = new float[b][c];
        for (int i = 0; i < b; i++) {
            System.arraycopy(flat, i * c, out[i], 0, c);
        }
        return out;
    }
}
