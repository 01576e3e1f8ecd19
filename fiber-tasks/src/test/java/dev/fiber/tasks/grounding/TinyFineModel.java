package dev.fiber.tasks.grounding;

import ai.djl.ndarray.NDManager;
import dev.fiber.tasks.grounding.post.PostProcessConfig;
import dev.fiber.tasks.grounding.weights.NpzWeightSource;
import dev.fiber.tasks.grounding.weights.WeightSource;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The tiny reference model of {@code src-test-data/fine} for tests. */
final class TinyFineModel {

    private TinyFineModel() {}

    /** The configuration of {@code tiny_fine_config.yaml} (4 text heads per {@code tiny_fine_meta.json}). */
    static GroundingConfig config() {
        return new GroundingConfig(4, 16, new int[] {8, 16, 32, 64, 128}, 256, 128, 160, 32,
                new PostProcessConfig(0.05f, 60, 0.6f, 30));
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
