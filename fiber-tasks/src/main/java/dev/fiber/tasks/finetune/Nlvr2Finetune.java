package dev.fiber.tasks.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.fiber.core.model.FiberModel;
import dev.fiber.core.model.ForwardContext;
import dev.fiber.tasks.data.BatchIterator;
import dev.fiber.tasks.data.DataLoader;
import dev.fiber.tasks.data.Nlvr2Batch;
import dev.fiber.tasks.metrics.Accuracy;
import dev.fiber.tasks.objectives.LossOutput;
import dev.fiber.tasks.objectives.Nlvr2Objective;
import dev.fiber.tasks.train.Evaluator;
import dev.fiber.tasks.train.TrainingStep;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * NLVR2 fine-tuning (FIBER's {@code task_finetune_nlvr2}: {@code loss_names = {"nlvr2": 1}}): the training
 * loss is {@link Nlvr2Objective}; validation reports the accuracy on the dev statements and the mean loss.
 */
public final class Nlvr2Finetune {

    /** Name of the main validation metric. */
    public static final String ACCURACY = "nlvr2_accuracy";

    private Nlvr2Finetune() {}

    /**
     * @param model the model being trained
     * @return the training loss of an NLVR2 batch
     */
    public static TrainingStep<Nlvr2Batch> step(FiberModel model) {
        return (ctx, batch, m) -> compute(model, ctx, batch, m).loss();
    }

    /**
     * @param loader dev batches
     * @return an evaluator reporting {@value #ACCURACY} and {@code nlvr2_loss}
     */
    public static Evaluator evaluator(DataLoader<?, Nlvr2Batch> loader) {
        return model -> {
            Accuracy acc = new Accuracy();
            double lossSum = 0;
            long n = 0;
            try (BatchIterator<Nlvr2Batch> it = loader.epoch(0)) {
                while (it.hasNext()) {
                    Nlvr2Batch batch = it.next();
                    try (NDManager m = model.manager().newSubManager()) {
                        LossOutput o = compute(model, ForwardContext.INFERENCE, batch, m);
                        lossSum += (double) o.loss().getFloat() * batch.size();
                        n += batch.size();
                        acc.update(VqaFinetune.rows(o.logits()), batch.labels());
                    }
                }
            }
            Map<String, Double> out = new LinkedHashMap<>();
            out.put(ACCURACY, (double) acc.compute());
            out.put("nlvr2_loss", n == 0 ? Double.NaN : lossSum / n);
            return out;
        };
    }

    private static LossOutput compute(FiberModel model, ForwardContext ctx, Nlvr2Batch batch, NDManager m) {
        NDArray left = batch.left().images(m).toDevice(model.device(), false);
        NDArray right = batch.rightImages(m).toDevice(model.device(), false);
        NDArray ids = batch.left().inputIds(m).toDevice(model.device(), false);
        NDArray masks = batch.left().attentionMask(m).toDevice(model.device(), false);
        NDArray labels = batch.labels(m).toDevice(model.device(), false);
        return Nlvr2Objective.compute(model.block(), ctx, left, right, ids, masks, labels);
    }
}
