package dev.fiber.tasks.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.*;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.fiber.core.config.*;
import dev.fiber.core.model.*;
import dev.fiber.core.model.load.LoadOptions;
import dev.fiber.tasks.objectives.VqaObjective;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScratchSpeedTest {
    static FiberConfig small(int img, int embed, int textHidden, int hidden, int maxLen) {
        SwinConfig swin = new SwinConfig(4, 3, embed, List.of(2, 2, 18, 2), List.of(1, 2, 4, 8), 4.0, true, false, true, 1e-5, textHidden, 0.1);
        TextConfig text = new TextConfig(textHidden, 12, 2, textHidden * 4, 50265, 514, 1, 1e-5, 1, 0.1, 0.1);
        return new FiberConfig(img, img, "", "roberta-base", embed * 8, textHidden, hidden, 2, 12, 4, 0.0, 6, maxLen, 50265, 18, true,
                Map.of("vqa", 1), swin, text);
    }

    @Test
    void speed() throws Exception {
        int[][] cfgs = {{64, 16, 32, 48, 16, 32}, {96, 16, 32, 48, 16, 32}, {64, 24, 48, 64, 16, 32}};
        for (int[] c : cfgs) {
            FiberConfig cfg = small(c[0], c[1], c[2], c[3], c[4]);
            Engine.getInstance().setRandomSeed(0);
            try (FiberModel model = FiberModel.create(cfg, LoadOptions.defaults().withDevice(Device.cpu()))) {
                Gradients.enable(model);
                long params = 0;
                for (ParamSlot s : model.block().stateDictParameters().values()) params += s.shape().size();
                FiberOptimizer opt = new FiberOptimizer(model, new OptimConfig(1e-4, 0.01, 5, 5, 0, OptimConfig.DecayPower.polynomial(1), Warmup.steps(0), "adamw"), FiberOptimizer.constantSchedule(), AdamW.Hyper.FIBER);
                int b = c[5];
                long t0 = 0; long tf = 0, tb = 0, to = 0;
                for (int it = 0; it < 6; it++) {
                    if (it == 1) { t0 = System.nanoTime(); tf = tb = to = 0; }
                    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                        NDArray image = m.randomNormal(new Shape(b, 3, c[0], c[0]));
                        NDArray ids = m.randomInteger(3, 1000, new Shape(b, c[4]), ai.djl.ndarray.types.DataType.INT64);
                        NDArray mk = m.ones(new Shape(b, c[4]), ai.djl.ndarray.types.DataType.INT64);
                        NDArray tg = m.zeros(new Shape(b, 18));
                        long a = System.nanoTime();
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            NDArray loss = VqaObjective.compute(model.block(), new ForwardContext(null, true), image, ids, mk, tg).loss();
                            long f = System.nanoTime(); tf += f - a;
                            gc.backward(loss);
                            tb += System.nanoTime() - f;
                        }
                        long o = System.nanoTime();
                        opt.step(Gradients.read(model));
                        Gradients.zero(model);
                        to += System.nanoTime() - o;
                    }
                }
                double per = (System.nanoTime() - t0) / 5e9;
                System.out.printf("%ncfg %s params %d: %.3f s/step (fwd %.3f bwd %.3f opt %.3f) = %.1f samples/s%n", java.util.Arrays.toString(c), params, per, tf / 5e9, tb / 5e9, to / 5e9, b / per);
            }
        }
    }
}
