package dev.fiber.tasks.objectives;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.fiber.core.io.NpyArray;
import dev.fiber.core.model.FiberModel;
import dev.fiber.core.model.ForwardContext;
import dev.fiber.core.model.ParamSlot;
import dev.fiber.tasks.TinyTrainModel;
import dev.fiber.tasks.train.Gradients;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every FIBER objective against the official training reference on the tiny model and the fixed
 * batch: the loss value, the logits / labels / negatives it produces, and the gradient of every
 * parameter after one {@code backward()} (including which parameters get no gradient at all).
 * Training mode with every dropout rate 0, as the reference was computed.
 */
class ObjectiveExactnessTest {

    static TrainReference ref;

    @BeforeAll
    static void load() throws Exception {
        ref = new TrainReference();
    }

    /** Runs one objective with gradients and compares loss and gradients; returns the output for more checks. */
    private <T> T run(String obj, BiFunction<FiberModel, NDManager, Object[]> body, java.util.function.Consumer<Object[]> more)
            throws Exception {
        Map<String, NpyArray> r = ref.objective(obj);
        try (FiberModel model = TinyTrainModel.load(); NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Object[] out;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                out = body.apply(model, m);
                collectGarbage();
                gc.backward((NDArray) out[0]);
            }
            double loss = ((NDArray) out[0]).getFloat();
            double want = ref.loss(obj);
            System.out.printf("[%s] loss %.8g, reference %.8g, rel diff %.3e%n", obj, loss, want, Math.abs(loss - want) / Math.abs(want));
            assertEquals(want, loss, TrainReference.LOSS_RTOL * Math.abs(want), obj + " loss");
            LinkedHashMap<String, float[]> grads = Gradients.read(model);
            Map<String, long[]> shapes = new LinkedHashMap<>();
            for (Map.Entry<String, ParamSlot> e : model.block().stateDictParameters().entrySet()) {
                shapes.put(e.getKey(), e.getValue().shape().getShape());
            }
            ref.checkGradients(obj, grads, shapes, r);
            more.accept(out);
        }
        return null;
    }

    /**
     * Forces garbage collections between the forward and the backward pass: a tensor that autograd
     * saved but whose Java buffer was released (DJL's scalar ops) would then be read back as garbage
     * and fail the gradient comparison deterministically instead of by chance.
     */
    static void collectGarbage() {
        for (int i = 0; i < 3; i++) {
            byte[][] junk = new byte[64][];
            for (int j = 0; j < junk.length; j++) {
                junk[j] = new byte[1 << 20];
            }
            System.gc();
        }
    }

    static ForwardContext train() {
        return new ForwardContext(null, true);
    }

    static void close(String what, float[] got, float[] want, double atol, double rtol) {
        assertEquals(want.length, got.length, what + " length");
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            double d = Math.abs(got[i] - want[i]);
            worst = Math.max(worst, d);
            assertTrue(d <= atol + rtol * Math.abs(want[i]), what + "[" + i + "]: " + got[i] + " vs " + want[i]);
        }
        System.out.printf("  %s: max|diff| %.3e%n", what, worst);
    }

    @Test
    void vqa() throws Exception {
        Map<String, NpyArray> r = ref.objective("vqa");
        run("vqa", (model, m) -> {
            long[] labels = r.get("vqa.labels").toLongArray();
            float[] scores = r.get("vqa.scores").toFloatArray();
            long[] num = r.get("vqa.num_labels").toLongArray();
            int width = (int) r.get("vqa.labels").shape()[1];
            int[][] lab = new int[num.length][];
            float[][] sc = new float[num.length][];
            for (int i = 0; i < num.length; i++) {
                lab[i] = new int[(int) num[i]];
                sc[i] = new float[(int) num[i]];
                for (int k = 0; k < num[i]; k++) {
                    lab[i][k] = (int) labels[i * width + k];
                    sc[i][k] = scores[i * width + k];
                }
            }
            NDArray targets = VqaObjective.denseTargets(m, lab, sc, model.config().vqav2LabelSize());
            LossOutput o = VqaObjective.compute(model.block(), train(), ref.input(m, "image"), ref.input(m, "text_ids"),
                    ref.input(m, "text_masks"), targets);
            return new Object[] {o.loss(), o};
        }, out -> close("vqa logits", ((LossOutput) out[1]).logits().toFloatArray(), r.get("vqa.logits").toFloatArray(), 1e-4, 1e-4));
    }

    @Test
    void nlvr2() throws Exception {
        Map<String, NpyArray> r = ref.objective("nlvr2");
        run("nlvr2", (model, m) -> {
            LossOutput o = Nlvr2Objective.compute(model.block(), train(), ref.input(m, "image"), ref.input(m, "image_1"),
                    ref.input(m, "text_ids"), ref.input(m, "text_masks"), TrainReference.nd(m, r.get("nlvr2.answers")));
            return new Object[] {o.loss(), o};
        }, out -> close("nlvr2 logits", ((LossOutput) out[1]).logits().toFloatArray(), r.get("nlvr2.logits").toFloatArray(), 1e-4, 1e-4));
    }

    @Test
    void captionMle() throws Exception {
        Map<String, NpyArray> r = ref.objective("caption_mle");
        run("caption_mle", (model, m) -> {
            LossOutput o = CaptionMleObjective.compute(model.block(), train(), ref.input(m, "image"), ref.input(m, "text_ids"),
                    ref.input(m, "text_masks"), model.config().text().padTokenId());
            return new Object[] {o.loss(), o};
        }, out -> assertArrayEquals(r.get("caption_mle.labels").toLongArray(), ((LossOutput) out[1]).labels().toLongArray(),
                "caption labels"));
    }

    @Test
    void mlm() throws Exception {
        Map<String, NpyArray> r = ref.objective("mlm");
        run("mlm", (model, m) -> {
            LossOutput o = MlmObjective.compute(model.block(), train(), ref.input(m, "image"), TrainReference.nd(m, r.get("mlm.text_ids_mlm")),
                    ref.input(m, "text_masks"), TrainReference.nd(m, r.get("mlm.text_labels_mlm")));
            return new Object[] {o.loss(), o};
        }, out -> {
            NDArray logits = ((LossOutput) out[1]).logits();
            long[] pos = r.get("mlm.masked_positions").toLongArray();
            float[] lse = r.get("mlm.masked_logsumexp").toFloatArray();
            float[] lab = r.get("mlm.masked_label_logit").toFloatArray();
            long[] labels = r.get("mlm.text_labels_mlm").toLongArray();
            long t = logits.getShape().get(1);
            float[] gotLse = new float[lse.length];
            float[] gotLab = new float[lse.length];
            for (int i = 0; i < lse.length; i++) {
                NDArray row = logits.get(pos[2 * i]).get(pos[2 * i + 1]);
                gotLse[i] = row.exp().sum().log().getFloat();
                gotLab[i] = row.getFloat(labels[(int) (pos[2 * i] * t + pos[2 * i + 1])]);
            }
            close("mlm masked logsumexp", gotLse, lse, 1e-4, 1e-4);
            close("mlm masked label logit", gotLab, lab, 1e-4, 1e-4);
        });
    }

    /** The reference queue state before the ITC call. */
    static ItcQueue referenceQueue(NDManager m, Map<String, NpyArray> r) {
        long[] qs = r.get("itc.image_queue").shape();
        ItcQueue q = ItcQueue.of(m, r.get("itc.image_queue").toFloatArray(), r.get("itc.text_queue").toFloatArray(), (int) qs[0],
                (int) qs[1], r.get("itc.queue_ptr").toLongArray()[0], r.get("itc.queue_total").toLongArray()[0]);
        NpyArray imgs = r.get("itc.image_input_queue_head");
        float[] pix = imgs.toFloatArray();
        long[] ids = r.get("itc.text_input_queue_head").toLongArray();
        long[] mk = r.get("itc.text_input_mask_queue_head").toLongArray();
        int rows = (int) imgs.shape()[0];
        int plane = pix.length / rows;
        int len = ids.length / rows;
        long[] dims = java.util.Arrays.copyOfRange(imgs.shape(), 1, 4);
        for (int i = 0; i < rows; i++) {
            q.setInputRow(i, java.util.Arrays.copyOfRange(pix, i * plane, (i + 1) * plane), dims,
                    java.util.Arrays.copyOfRange(ids, i * len, (i + 1) * len), java.util.Arrays.copyOfRange(mk, i * len, (i + 1) * len));
        }
        return q;
    }

    @Test
    void itc() throws Exception {
        Map<String, NpyArray> r = ref.objective("itc");
        long[] negImage = r.get("itc.neg_image_idx").toLongArray();
        long[] negText = r.get("itc.neg_text_idx").toLongArray();
        // the stored draws, replayed in the official order (B image negatives, then B text negatives)
        int[] draws = {(int) negImage[0], (int) negImage[1], (int) negText[0], (int) negText[1]};
        int[] next = {0};
        NegativeSampler replay = w -> {
            int i = draws[next[0]++];
            assertTrue(w[i] > 1e-6f, "stored draw " + i + " must have a real weight");
            return i;
        };
        ItcQueue[] queue = new ItcQueue[1];
        run("itc", (model, m) -> {
            queue[0] = referenceQueue(m, r);
            ItcOutput o = ItcObjective.compute(model.block(), train(), queue[0], ref.input(m, "image"), ref.input(m, "text_ids"),
                    ref.input(m, "text_masks"), replay);
            return new Object[] {o.loss(), o};
        }, out -> {
            ItcOutput o = (ItcOutput) out[1];
            close("itc image_feat", o.imageFeat().toFloatArray(), r.get("itc.image_feat").toFloatArray(), 1e-5, 1e-4);
            close("itc text_feat", o.textFeat().toFloatArray(), r.get("itc.text_feat").toFloatArray(), 1e-5, 1e-4);
            float[] wt2i = r.get("itc.multinomial_input_t2i").toFloatArray();
            float[] wi2t = r.get("itc.multinomial_input_i2t").toFloatArray();
            close("itc multinomial input t2i", flat(o.weightsT2i()), wt2i, 1e-6, 1e-3);
            close("itc multinomial input i2t", flat(o.weightsI2t()), wi2t, 1e-6, 1e-3);
            close("itc image_neg", o.imageNeg().toFloatArray(), r.get("itc.image_neg").toFloatArray(), 0, 0);
            assertArrayEquals(r.get("itc.text_neg").toLongArray(), o.textNeg().toLongArray(), "text_neg");
            assertArrayEquals(r.get("itc.text_mask_neg").toLongArray(), o.textMaskNeg().toLongArray(), "text_mask_neg");
            // the queue after the training-mode call
            ItcQueue q = queue[0];
            assertEquals(r.get("itc.after.queue_ptr").toLongArray()[0], q.ptr());
            assertEquals(r.get("itc.after.queue_total").toLongArray()[0], q.total());
            long[] cols = r.get("itc.after.written_cols").toLongArray();
            int hidden = q.hidden();
            float[] imgQ = q.imageQueue().toFloatArray();
            float[] txtQ = q.textQueue().toFloatArray();
            float[] wantImg = r.get("itc.after.image_queue_cols").toFloatArray();
            float[] wantTxt = r.get("itc.after.text_queue_cols").toFloatArray();
            float[] gotImg = new float[wantImg.length];
            float[] gotTxt = new float[wantTxt.length];
            for (int h = 0; h < hidden; h++) {
                for (int j = 0; j < cols.length; j++) {
                    gotImg[h * cols.length + j] = imgQ[(int) (h * q.size() + cols[j])];
                    gotTxt[h * cols.length + j] = txtQ[(int) (h * q.size() + cols[j])];
                }
            }
            close("itc queue image cols after", gotImg, wantImg, 1e-5, 1e-4);
            close("itc queue text cols after", gotTxt, wantTxt, 1e-5, 1e-4);
            float[] before = r.get("itc.image_queue").toFloatArray();
            for (int h = 0; h < hidden; h++) {
                for (int c = 0; c < q.size(); c++) {
                    if (c != cols[0] && c != cols[1]) {
                        assertEquals(before[h * q.size() + c], imgQ[h * q.size() + c], 0f, "untouched queue column " + c);
                    }
                }
            }
            float[] inputs = ref.inputs.get("input.image").toFloatArray();
            int plane = inputs.length / 2;
            for (int b = 0; b < 2; b++) {
                assertArrayEquals(java.util.Arrays.copyOfRange(inputs, b * plane, (b + 1) * plane), q.imageInput((int) cols[b]),
                        "queued image " + b);
            }
            q.close();
        });
    }

    @Test
    void itmHardNegatives() throws Exception {
        Map<String, NpyArray> r = ref.objective("itm");
        run("itm", (model, m) -> {
            LossOutput o = ItmHardNegativeObjective.compute(model.block(), train(), ref.input(m, "image"), ref.input(m, "text_ids"),
                    ref.input(m, "text_masks"), TrainReference.nd(m, r.get("itm.image_neg")), TrainReference.nd(m, r.get("itm.text_neg")),
                    TrainReference.nd(m, r.get("itm.text_mask_neg")));
            return new Object[] {o.loss(), o};
        }, out -> {
            LossOutput o = (LossOutput) out[1];
            close("itm logits", o.logits().toFloatArray(), r.get("itm.logits").toFloatArray(), 1e-4, 1e-4);
            assertArrayEquals(r.get("itm.labels").toLongArray(), o.labels().toLongArray(), "itm labels");
        });
    }

    private static float[] flat(float[][] rows) {
        int n = 0;
        for (float[] row : rows) {
            n += row.length;
        }
        float[] out = new float[n];
        int k = 0;
        for (float[] row : rows) {
            System.arraycopy(row, 0, out, k, row.length);
            k += row.length;
        }
        return out;
    }
}
