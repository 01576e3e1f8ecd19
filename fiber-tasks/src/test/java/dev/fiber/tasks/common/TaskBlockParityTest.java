package dev.fiber.tasks.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.fiber.core.io.NpyArray;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every task block, fed the reference inputs of {@code tiny_cases.npz}, reproduces the official
 * outputs (VQA / ITM / NLVR2 logits, ITC embeddings and similarities) within 1e-4 + 1e-4|ref|,
 * including the cached (broadcast) paths.
 */
class TaskBlockParityTest {

    static Map<String, NpyArray> ref;

    @BeforeAll
    static void load() throws Exception {
        ref = TinyTasks.cases();
    }

    static NDList forward(FiberTaskModel model, NDManager m, NDArray... in) {
        return model.getBlock().forward(new ParameterStore(m, false), new NDList(in), false);
    }

    @Test
    void vqaLogits() throws Exception {
        try (FiberTaskModel model = TinyTasks.load(FiberTask.VQA); NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray image = ref.get("image").toNDArray(m);
            NDArray ids = ref.get("text_ids").toNDArray(m);
            NDArray masks = ref.get("text_masks").toNDArray(m);
            NDArray logits = forward(model, m, image, ids, masks).singletonOrThrow();
            TinyTasks.check("vqa_logits", ref.get("vqa_logits").toFloatArray(), logits.toFloatArray());
            // one image, both questions: uni-modal image bottom once
            for (int i = 0; i < 2; i++) {
                NDArray one = forward(model, m, image.get(i + ":" + (i + 1)), ids, masks).singletonOrThrow();
                assertEquals(2, one.getShape().get(0));
                TinyTasks.check("vqa_logits image " + i + " (cached, row " + i + ")", TinyTasks.row(ref.get("vqa_logits"), i),
                        TinyTasks.row(one, i));
            }
        }
    }

    @Test
    void nlvr2Logits() throws Exception {
        try (FiberTaskModel model = TinyTasks.load(FiberTask.NLVR2); NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray logits = forward(model, m, ref.get("image").toNDArray(m), ref.get("image_1").toNDArray(m),
                    ref.get("text_ids").toNDArray(m), ref.get("text_masks").toNDArray(m)).singletonOrThrow();
            TinyTasks.check("nlvr2_logits (shared text bottom)", ref.get("nlvr2_logits").toFloatArray(), logits.toFloatArray());
        }
    }

    @Test
    void retrievalEmbeddingsItmAndItc() throws Exception {
        try (FiberTaskModel model = TinyTasks.load(FiberTask.RETRIEVAL); NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray image = ref.get("image").toNDArray(m);
            NDArray ids = ref.get("text_ids").toNDArray(m);
            NDArray masks = ref.get("text_masks").toNDArray(m);
            NDArray img = forward(model, m, image).singletonOrThrow();
            NDArray txt = forward(model, m, ids, masks).singletonOrThrow();
            TinyTasks.check("itc_image_cls", ref.get("itc_image_cls").toFloatArray(), img.toFloatArray());
            TinyTasks.check("itc_text_cls", ref.get("itc_text_cls").toFloatArray(), txt.toFloatArray());
            float temp = Math.min(1f, Math.max(0.001f, model.fiberModel().block().temperature().getArray().getFloat()));
            TinyTasks.check("itc_sim", ref.get("itc_sim").toFloatArray(), img.matMul(txt.transpose()).div(temp).toFloatArray());
            NDArray itm = forward(model, m, image, ids, masks).singletonOrThrow();
            TinyTasks.check("itm_logits", ref.get("itm_logits").toFloatArray(), itm.toFloatArray());
            for (int i = 0; i < 2; i++) {
                NDArray one = image.get(i + ":" + (i + 1));
                NDArray cached = forward(model, m, one, ids, masks, m.create(new long[] {1})).singletonOrThrow();
                NDArray plain = forward(model, m, one, ids, masks, m.create(new long[] {0})).singletonOrThrow();
                TinyTasks.check("itm_logits image " + i + " vs 2 texts (cached)", TinyTasks.row(ref.get("itm_logits"), i), TinyTasks.row(cached, i));
                TinyTasks.check("itm cached vs uncached, image " + i, plain.toFloatArray(), cached.toFloatArray());
                NDArray oneText = forward(model, m, image, ids.get(i + ":" + (i + 1)), masks.get(i + ":" + (i + 1))).singletonOrThrow();
                TinyTasks.check("itm_logits text " + i + " vs 2 images (cached)", TinyTasks.row(ref.get("itm_logits"), i),
                        TinyTasks.row(oneText, i));
            }
        }
    }
}
