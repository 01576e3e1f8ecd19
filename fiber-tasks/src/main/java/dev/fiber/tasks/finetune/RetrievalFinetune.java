package dev.fiber.tasks.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fiber.core.checkpoint.SafeTensors;
import dev.fiber.core.checkpoint.TensorRef;
import dev.fiber.core.model.FiberModel;
import dev.fiber.core.model.ForwardContext;
import dev.fiber.core.text.FiberTokenizer;
import dev.fiber.tasks.data.ImageSource;
import dev.fiber.tasks.data.ImageTextBatch;
import dev.fiber.tasks.data.ImageTransform;
import dev.fiber.tasks.metrics.RetrievalRecall;
import dev.fiber.tasks.objectives.ItcObjective;
import dev.fiber.tasks.objectives.ItcOutput;
import dev.fiber.tasks.objectives.ItcQueue;
import dev.fiber.tasks.objectives.ItmHardNegativeObjective;
import dev.fiber.tasks.objectives.NegativeSampler;
import dev.fiber.tasks.retrieval.KarpathyDataset;
import dev.fiber.tasks.train.Evaluator;
import dev.fiber.tasks.train.TrainingStep;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Image-text retrieval fine-tuning (FIBER's {@code task_finetune_irtr_itc_coco} / {@code _f30k}:
 * {@code loss_names = {"itc": 1}}, optionally with the pre-training image-text matching loss on the
 * ITC-sampled hard negatives, {@code {"itc": 1, "itm": 1}}): the loss is {@link ItcObjective} (queue of
 * {@link ItcQueue#FIBER_SIZE} features, learnable temperature) plus, if enabled,
 * {@link ItmHardNegativeObjective}. Validation: the official ITC recall ({@code compute_itc_recall}:
 * uni-modal features, {@code image_feats @ text_feats^T}), image retrieval IR@1/5/10, text retrieval
 * TR@1/5/10 and their main sum {@code IR@1 + TR@1} ({@code the_metric}).
 */
public final class RetrievalFinetune {

    /** Name of the main validation metric, {@code ir_r1 + tr_r1}. */
    public static final String R1_SUM = "irtr_r1_sum";
    /** File of the queue state inside a training checkpoint. */
    public static final String QUEUE_FILE = "itc_queue.safetensors";

    private RetrievalFinetune() {}

    /**
     * @param model   the model being trained (with {@code temp}, and {@code itm_score} if {@code withItm})
     * @param queue   the ITC queue (updated by every training step)
     * @param sampler draws the hard negatives
     * @param withItm whether to add the hard-negative ITM loss
     * @return the training loss of a batch of image-caption pairs
     */
    public static TrainingStep<ImageTextBatch> step(FiberModel model, ItcQueue queue, NegativeSampler sampler, boolean withItm) {
        return (ctx, batch, m) -> {
            NDArray image = batch.images(m).toDevice(model.device(), false);
            NDArray ids = batch.inputIds(m).toDevice(model.device(), false);
            NDArray masks = batch.attentionMask(m).toDevice(model.device(), false);
            ItcOutput itc = ItcObjective.compute(model.block(), ctx, queue, image, ids, masks, sampler);
            if (!withItm) {
                return itc.loss();
            }
            NDArray itm = ItmHardNegativeObjective.compute(model.block(), ctx, image, ids, masks, itc.imageNeg(), itc.textNeg(),
                    itc.textMaskNeg()).loss();
            return itc.loss().add(itm);
        };
    }

    /**
     * The ITC recall evaluator over a gallery.
     *
     * @param gallery    images and captions (e.g. the Karpathy test split)
     * @param images     where the image files are
     * @param transform  evaluation transform ({@code albef})
     * @param tokenizer  tokenizer
     * @param maxTextLen caption length
     * @param batchSize  encoding batch size
     * @return an evaluator reporting {@code ir_r1/5/10}, {@code tr_r1/5/10} and {@value #R1_SUM}
     */
    public static Evaluator evaluator(KarpathyDataset.Gallery gallery, ImageSource images, ImageTransform transform,
            FiberTokenizer tokenizer, int maxTextLen, int batchSize) {
        return model -> {
            List<KarpathyDataset.Image> ims = gallery.images();
            List<float[]> imageFeats = new ArrayList<>();
            int s = transform.size();
            for (int start = 0; start < ims.size(); start += batchSize) {
                int end = Math.min(ims.size(), start + batchSize);
                float[] pix = new float[(end - start) * 3 * s * s];
                for (int i = start; i < end; i++) {
                    float[] x = transform.apply(images.read(ims.get(i).relativePath()), null);
                    System.arraycopy(x, 0, pix, (i - start) * 3 * s * s, x.length);
                }
                try (NDManager m = model.manager().newSubManager()) {
                    NDArray img = m.create(pix, new Shape(end - start, 3, s, s));
                    imageFeats.add(model.block().inferImage(ForwardContext.INFERENCE, img).cls().toFloatArray());
                }
            }
            List<float[]> textFeats = new ArrayList<>();
            List<String> caps = gallery.captions();
            for (int start = 0; start < caps.size(); start += batchSize) {
                int end = Math.min(caps.size(), start + batchSize);
                try (NDManager m = model.manager().newSubManager()) {
                    var tb = tokenizer.encodeBatch(caps.subList(start, end), maxTextLen, m);
                    textFeats.add(model.block().inferText(ForwardContext.INFERENCE, tb.inputIds(), tb.attentionMask()).cls().toFloatArray());
                }
            }
            float[] scores;
            try (NDManager m = model.manager().newSubManager()) {
                int hidden = model.config().hiddenSize();
                NDArray img = stack(m, imageFeats, hidden);
                NDArray txt = stack(m, textFeats, hidden);
                scores = img.matMul(txt.transpose()).toFloatArray();
            }
            RetrievalRecall r = RetrievalRecall.compute(scores, ims.size(), caps.size(), gallery.imageIds(), gallery.captionImageIds());
            Map<String, Double> out = new LinkedHashMap<>();
            for (int k : new int[] {1, 5, 10}) {
                out.put("ir_r" + k, r.imageRecallAt(k));
            }
            for (int k : new int[] {1, 5, 10}) {
                out.put("tr_r" + k, r.textRecallAt(k));
            }
            out.put(R1_SUM, r.imageRecallAt(1) + r.textRecallAt(1));
            return out;
        };
    }

    private static NDArray stack(NDManager m, List<float[]> chunks, int hidden) {
        NDList parts = new NDList();
        for (float[] c : chunks) {
            parts.add(m.create(c, new Shape(c.length / hidden, hidden)));
        }
        return NDArrays.concat(parts, 0);
    }

    /**
     * Writes the queue into a checkpoint directory ({@value #QUEUE_FILE}).
     *
     * @param queue the queue
     * @param dir   the directory
     * @throws IOException if writing fails
     */
    public static void saveQueue(ItcQueue queue, Path dir) throws IOException {
        Map<String, SafeTensors.Entry> t = new LinkedHashMap<>();
        t.put("image_queue", SafeTensors.Entry.of(queue.imageQueue().toFloatArray(), queue.hidden(), queue.size()));
        t.put("text_queue", SafeTensors.Entry.of(queue.textQueue().toFloatArray(), queue.hidden(), queue.size()));
        t.put("queue_ptr", SafeTensors.Entry.of(new long[] {queue.ptr()}, 1));
        t.put("queue_total", SafeTensors.Entry.of(new long[] {queue.total()}, 1));
        int rows = queue.candidates();
        long[] dims = queue.imageRowShape();
        if (rows > 0 && dims != null) {
            int plane = queue.imageInput(0).length;
            int len = queue.textInput(0).length;
            float[] img = new float[rows * plane];
            long[] ids = new long[rows * len];
            long[] mk = new long[rows * len];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(queue.imageInput(r), 0, img, r * plane, plane);
                System.arraycopy(queue.textInput(r), 0, ids, r * len, len);
                System.arraycopy(queue.textMask(r), 0, mk, r * len, len);
            }
            long[] shape = new long[dims.length + 1];
            shape[0] = rows;
            System.arraycopy(dims, 0, shape, 1, dims.length);
            t.put("image_input_queue", SafeTensors.Entry.of(img, shape));
            t.put("text_input_queue", SafeTensors.Entry.of(ids, rows, len));
            t.put("text_input_mask_queue", SafeTensors.Entry.of(mk, rows, len));
        }
        SafeTensors.write(dir.resolve(QUEUE_FILE), t, Map.of("format", "fiber-itc-queue"));
    }

    /**
     * Reads a queue saved by {@link #saveQueue}.
     *
     * @param parent manager for the queue
     * @param dir    the checkpoint directory
     * @return the queue
     * @throws IOException if the file is missing or malformed
     */
    public static ItcQueue loadQueue(NDManager parent, Path dir) throws IOException {
        try (SafeTensors st = SafeTensors.open(dir.resolve(QUEUE_FILE))) {
            Map<String, TensorRef> t = st.tensors();
            TensorRef iq = t.get("image_queue");
            if (iq == null || t.get("text_queue") == null || t.get("queue_ptr") == null || t.get("queue_total") == null) {
                throw new IOException(dir.resolve(QUEUE_FILE) + " is not an ITC queue");
            }
            int hidden = (int) iq.shape()[0];
            int size = (int) iq.shape()[1];
            ItcQueue q = ItcQueue.of(parent, iq.readFloats(), t.get("text_queue").readFloats(), hidden, size, t.get("queue_ptr").readLongs()[0],
                    t.get("queue_total").readLongs()[0]);
            TensorRef imgs = t.get("image_input_queue");
            if (imgs != null) {
                float[] pix = imgs.readFloats();
                long[] ids = t.get("text_input_queue").readLongs();
                long[] mk = t.get("text_input_mask_queue").readLongs();
                int rows = (int) imgs.shape()[0];
                int plane = pix.length / rows;
                int len = ids.length / rows;
                long[] dims = java.util.Arrays.copyOfRange(imgs.shape(), 1, imgs.shape().length);
                for (int r = 0; r < rows; r++) {
                    q.setInputRow(r, java.util.Arrays.copyOfRange(pix, r * plane, (r + 1) * plane), dims,
                            java.util.Arrays.copyOfRange(ids, r * len, (r + 1) * len), java.util.Arrays.copyOfRange(mk, r * len, (r + 1) * len));
                }
            }
            return q;
        }
    }
}
