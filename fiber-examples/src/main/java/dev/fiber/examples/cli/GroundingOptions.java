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

/** Options shared by {@code fiber ground} and {@code fiber detect}: model, image and outputs. */
public final class GroundingOptions {

    @Option(names = {"-w", "--weights"}, required = true, paramLabel = "CKPT",
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
            description = "detect: categories per prompt (TEST.CHUNKED_EVALUATION; -1 = all in one; default: config)")
    int chunk;

    @Option(names = {"-i", "--image"}, required = true, paramLabel = "FILE", description = "input image")
    Path image;

    @Option(names = {"-t", "--threshold"}, defaultValue = "0.5", paramLabel = "SCORE",
            description = "keep boxes with a score above this (default ${DEFAULT-VALUE})")
    float threshold;

    @Option(names = "--json", paramLabel = "FILE", description = "write the detections as JSON here (default: stdout)")
    Path json;

    @Option(names = "--png", paramLabel = "FILE", description = "write the image with the boxes drawn here")
    Path png;

    /**
     * Loads the grounder.
     *
     * @return the grounder
     * @throws IOException if the files cannot be read
     */
    FiberGrounder load() throws IOException {
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
