package dev.fiber.tasks.grounding;

import ai.djl.ndarray.NDManager;
import dev.fiber.tasks.grounding.weights.NpzWeightSource;
import dev.fiber.tasks.grounding.weights.WeightSource;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The tiny reference model of {@code src-test-data/fine} for tests. */
final class TinyFineModel {

    private TinyFineModel() {}

    /** The configuration of {@code tiny_fine_config.yaml} (4 text heads per {@code tiny_fine_meta.json}). */
    static GroundingConfig config() throws IOException {
        return GroundingConfig.fromYacs(YacsConfig.read(TestFiles.data("fine/tiny_fine_config.yaml")), 4);
    }

    /** @return the tiny checkpoint's state dict */
    static WeightSource weights() throws IOException {
        String dev = System.getProperty("fiber.dev.fineWeights");
        if (dev == null) {
            throw new IllegalStateException("set -Dfiber.dev.fineWeights until the checkpoint reader is merged");
        }
        Path p = Paths.get(dev);
        return NpzWeightSource.open(p);
    }

    /**
     * @param manager owner of the weights
     * @return the loaded model
     */
    static FiberGroundingModel load(NDManager manager) throws IOException {
        try (WeightSource w = weights()) {
            return FiberGroundingModel.load(w, config(), manager);
        }
    }
}
