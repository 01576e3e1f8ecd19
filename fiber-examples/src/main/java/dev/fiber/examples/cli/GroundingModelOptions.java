package dev.fiber.examples.cli;

import dev.fiber.core.hub.CheckpointResolver;
import dev.fiber.tasks.grounding.FiberGrounder;
import dev.fiber.tasks.grounding.GroundingConfig;
import dev.fiber.tasks.grounding.YacsConfig;
import dev.fiber.tasks.grounding.weights.WeightSource;
import dev.fiber.tasks.grounding.weights.WeightSources;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The fine-grained model options shared by {@code ground}, {@code detect}, {@code ground-eval} and
 * {@code detect-eval}: checkpoint, configuration and the settings the checkpoint does not hold.
 */
public final class GroundingModelOptions {

    @Option(names = {"-w", "--weights"}, paramLabel = "CKPT",
            description = "fine-grained FIBER checkpoint: a file, an http(s) URL or a model name of 'fiber models'")
    String weights;

    @Option(names = "--config", paramLabel = "YAML",
            description = "FIBER config (official configs/*.yaml or a dump); default: FIBER-B values")
    Path config;

    @Option(names = "--ema", description = "use the checkpoint's model_ema instead of model")
    boolean ema;

    @Option(names = "--text-heads", defaultValue = "12", paramLabel = "N",
            description = "RoBERTa attention heads (roberta-base: ${DEFAULT-VALUE})")
    int textHeads;

    @Option(names = "--chunk", defaultValue = "0", paramLabel = "N",
            description = "detection: categories per prompt (TEST.CHUNKED_EVALUATION; -1 = all in one; default: config)")
    int chunk;

    /** @return whether a checkpoint was given */
    boolean hasWeights() {
        return weights != null;
    }

    /**
     * Loads the grounder.
     *
     * @return the grounder
     * @throws IOException if the files cannot be read
     * @throws IllegalArgumentException if no checkpoint was given
     */
    FiberGrounder load() throws IOException {
        if (weights == null) {
            throw new IllegalArgumentException("no checkpoint given: use -w/--weights");
        }
        GroundingConfig cfg = config == null ? GroundingConfig.fiberB()
                : GroundingConfig.fromYacs(YacsConfig.read(config), textHeads);
        cfg = cfg.withTextHeads(textHeads);
        if (chunk != 0) {
            cfg = cfg.withDetectionChunk(chunk);
        }
        Path file = CheckpointResolver.defaults().resolve(weights);
        try (WeightSource w = WeightSources.open(file, ema ? "model_ema" : "model")) {
            return FiberGrounder.load(w, cfg);
        }
    }
}
