package dev.fiber.examples.cli;

import dev.fiber.tasks.grounding.FiberGrounder;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** Options shared by {@code fiber ground} and {@code fiber detect}: model, image and outputs. */
public final class GroundingOptions {

    @Mixin
    GroundingModelOptions model;

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
        return model.load();
    }
}
