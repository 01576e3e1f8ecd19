package dev.fiber.tasks.grounding;

import dev.fiber.core.TestData;
import ai.djl.ndarray.NDManager;
import dev.fiber.tasks.grounding.weights.WeightSource;
import dev.fiber.tasks.grounding.weights.WeightSources;

import java.io.IOException;

/** The tiny reference model of {@code src-test-data/fine} for tests. */
final class TinyFineModel {

    private TinyFineModel() {}

    /** The configuration of {@code tiny_fine_config.yaml} (4 text heads per {@code tiny_fine_meta.json}). */
    static GroundingConfig config() throws IOException {
        return GroundingConfig.fromYacs(YacsConfig.read(TestData.file("fine/tiny_fine_config.yaml")), 4);
    }

    /** @return the {@code model} state dict of {@code tiny_fine.pth} (an official-style DDP dump) */
    static WeightSource weights() throws IOException {
        return WeightSources.open(TestData.file("fine/tiny_fine.pth"), "model");
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
