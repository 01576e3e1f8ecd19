package dev.fiber.tasks.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.fiber.core.model.FiberModel;
import dev.fiber.core.model.ForwardContext;
import dev.fiber.core.text.FiberTokenizer;
import dev.fiber.tasks.data.VqaBatch;
import dev.fiber.tasks.data.VqaItem;
import dev.fiber.tasks.shapes.ShapesConfig;
import dev.fiber.tasks.train.Dropouts;
import dev.fiber.tasks.train.Gradients;
import dev.fiber.tasks.train.TrainingStep;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Several questions per image: consecutive samples of {@link ShapesVqaSource} share their image, and
 * {@link ShapesTraining#sharedImageStep} (image bottom once per image) gives the loss and every gradient of
 * the plain VQA step on the same batch.
 */
class SharedImageStepTest {

    @Test
    void sharedImageStepEqualsThePlainStep() throws Exception {
        ShapesConfig shapes = ShapesTraining.PROOF_SHAPES.withImageSize(64);
        ShapesTrainingConfig c = new ShapesTrainingConfig(64, 12, 8, 16, 16, 6, 1e-3, 0.0, 10, null, 1, 2, 8, 0, 0, 7, Dropouts.NONE, 1.0,
                null, shapes, 3, 1.0, 0, 1, 1, 1);
        FiberTokenizer tok = FiberTokenizer.roberta();
        ShapesVqaSource src = new ShapesVqaSource(3, 6, shapes, 64, tok, 12, 3);
        List<VqaItem> items = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            items.add(src.load(i, null));
        }
        // questions 0-2 share image 0, 3-5 image 1, and the questions differ
        assertTrue(Arrays.equals(items.get(0).input().image(), items.get(2).input().image()));
        assertTrue(!Arrays.equals(items.get(0).input().image(), items.get(3).input().image()));
        assertTrue(!Arrays.equals(items.get(0).input().inputIds(), items.get(1).input().inputIds())
                || !Arrays.equals(items.get(1).input().inputIds(), items.get(2).input().inputIds()));
        VqaBatch batch = src.collator().collate(items);
        try (FiberModel model = ShapesTraining.createModel(c)) {
            float[] plain = run(model, VqaFinetune.step(model), batch);
            Map<String, float[]> gPlain = Gradients.read(model);
            Gradients.zero(model);
            float[] shared = run(model, ShapesTraining.sharedImageStep(model, 3), batch);
            Map<String, float[]> gShared = Gradients.read(model);
            assertEquals(plain[0], shared[0], 1e-5 * Math.abs(plain[0]), "loss");
            int compared = 0;
            for (Map.Entry<String, float[]> e : gPlain.entrySet()) {
                float[] a = e.getValue();
                float[] b = gShared.get(e.getKey());
                if (a == null) {
                    continue;
                }
                assertNotNull(b, e.getKey());
                double scale = 0;
                for (float v : a) {
                    scale = Math.max(scale, Math.abs(v));
                }
                for (int i = 0; i < a.length; i++) {
                    assertEquals(a[i], b[i], 1e-5 + 1e-4 * scale, e.getKey() + "[" + i + "]");
                }
                compared++;
            }
            assertTrue(compared > 100, compared + " gradients compared");
            assertSame(ShapesTraining.sharedImageStep(model, 1).getClass(), VqaFinetune.step(model).getClass());
            assertThrows(IllegalArgumentException.class, () -> run(model, ShapesTraining.sharedImageStep(model, 4), batch));
        }
    }

    private static float[] run(FiberModel model, TrainingStep<VqaBatch> step, VqaBatch batch) throws Exception {
        try (NDManager m = model.manager().newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = step.loss(new ForwardContext(null, true), batch, m);
            gc.backward(loss);
            return new float[] {loss.getFloat()};
        }
    }
}
