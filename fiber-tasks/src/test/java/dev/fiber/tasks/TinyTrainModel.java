package dev.fiber.tasks;

import dev.fiber.core.TestData;
import ai.djl.Device;
import dev.fiber.core.config.FiberConfig;
import dev.fiber.core.model.FiberModel;
import dev.fiber.core.model.load.LoadOptions;
import dev.fiber.core.model.load.WeightSource;
import dev.fiber.tasks.train.Dropouts;
import dev.fiber.tasks.train.Gradients;
import java.io.IOException;

/**
 * Loads the tiny reference checkpoint {@code src-test-data/coarse/tiny.ckpt} for the training tests,
 * on the CPU, with the given dropout rates (by default all 0, as the training reference was computed) and
 * gradient tracking on.
 */
public final class TinyTrainModel {

    private TinyTrainModel() {}

    /** @return the tiny model, strict load, no dropout, gradients enabled */
    public static FiberModel load() throws IOException {
        return load(Dropouts.NONE);
    }

    /**
     * @param dropouts dropout rates to train with
     * @return the tiny model, strict load, gradients enabled
     */
    public static FiberModel load(Dropouts dropouts) throws IOException {
        try (WeightSource src = FiberModel.openWeights(TestData.file("coarse/tiny.ckpt"))) {
            FiberConfig cfg = dropouts.applyTo(FiberConfig.fromCheckpoint(src.config(), src.shapes()));
            FiberModel m = FiberModel.load(src, LoadOptions.defaults().withConfig(cfg).withDevice(Device.cpu()));
            if (!m.loadReport().isExact()) {
                m.close();
                throw new IllegalStateException("tiny.ckpt did not load exactly: " + m.loadReport());
            }
            Gradients.enable(m);
            return m;
        }
    }
}
