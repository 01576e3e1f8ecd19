package dev.fiber.tasks.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.fiber.core.model.FiberModel;
import dev.fiber.core.model.ForwardContext;
import dev.fiber.tasks.data.BatchIterator;
import dev.fiber.tasks.data.DataLoader;
import dev.fiber.tasks.data.ImageTextBatch;
import dev.fiber.tasks.metrics.Accuracy;
import dev.fiber.tasks.objectives.CaptionMleObjective;
import dev.fiber.tasks.objectives.LossOutput;
import dev.fiber.tasks.train.Evaluator;
import dev.fiber.tasks.train.TrainingStep;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Captioning fine-tuning with maximum likelihood (FIBER's {@code task_finetune_caption_mle_coco}:
 * {@code loss_names = {"caption_mle": 1}}): the training loss is {@link CaptionMleObjective}; validation
 * reports what the official {@code validation_step} logs for it, the caption loss and the next-token
 * accuracy over the labelled positions (CIDEr-D of decoded captions is a test-time metric, see the
 * captioning predictor).
 */
public final class CaptionFinetune {

    /** Name of the main validation metric. */
    public static final String ACCURACY = "caption_mle_accuracy";

    private CaptionFinetune() {}

    /**
     * @param model      the model being trained (with captioning layers)
     * @param padTokenId the tokenizer's {@code <pad>} id
     * @return the training loss of a caption batch
     */
    public static TrainingStep<ImageTextBatch> step(FiberModel model, long padTokenId) {
        return (ctx, batch, m) -> compute(model, ctx, batch, m, padTokenId).loss();
    }

    /**
     * @param loader     validation batches
     * @param padTokenId the {@code <pad>} id
     * @return an evaluator reporting {@value #ACCURACY} and {@code caption_mle_loss}
     */
    public static Evaluator evaluator(DataLoader<?, ImageTextBatch> loader, long padTokenId) {
        return model -> {
            Accuracy acc = new Accuracy();
            double lossSum = 0;
            long n = 0;
            try (BatchIterator<ImageTextBatch> it = loader.epoch(0)) {
                while (it.hasNext()) {
                    ImageTextBatch batch = it.next();
                    try (NDManager m = model.manager().newSubManager()) {
                        LossOutput o = compute(model, ForwardContext.INFERENCE, batch, m, padTokenId);
                        lossSum += (double) o.loss().getFloat() * batch.size();
                        n += batch.size();
                        long vocab = o.logits().getShape().get(2);
                        acc.update(o.logits().reshape(-1, vocab).toFloatArray(), (int) vocab, o.labels().toLongArray());
                    }
                }
            }
            Map<String, Double> out = new LinkedHashMap<>();
            out.put(ACCURACY, (double) acc.compute());
            out.put("caption_mle_loss", n == 0 ? Double.NaN : lossSum / n);
            return out;
        };
    }

    private static LossOutput compute(FiberModel model, ForwardContext ctx, ImageTextBatch batch, NDManager m, long pad) {
        NDArray image = batch.images(m).toDevice(model.device(), false);
        NDArray ids = batch.inputIds(m).toDevice(model.device(), false);
        NDArray masks = batch.attentionMask(m).toDevice(model.device(), false);
        return CaptionMleObjective.compute(model.block(), ctx, image, ids, masks, pad);
    }
}
