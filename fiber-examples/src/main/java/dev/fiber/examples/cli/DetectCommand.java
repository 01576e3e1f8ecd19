package dev.fiber.examples.cli;

import dev.fiber.core.image.ImageDecoder;
import dev.fiber.core.image.RgbImage;
import dev.fiber.tasks.grounding.FiberGrounder;
import dev.fiber.tasks.grounding.GroundingResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code fiber detect}: open-vocabulary detection with fine-grained FIBER. */
@Command(name = "detect", mixinStandardHelpOptions = true,
        description = "Detect objects of the given categories (prompt \"name1. name2. ...\", fine-grained FIBER).")
public final class DetectCommand implements Callable<Integer> {

    @Mixin
    GroundingOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = {"-k", "--category"}, required = true, split = ",", paramLabel = "NAME",
            description = "category names (repeatable or comma-separated)")
    List<String> categories;

    @Override
    public Integer call() throws Exception {
        RgbImage image = ImageDecoder.read(options.image);
        GroundingResult r;
        try (FiberGrounder g = options.load()) {
            r = g.detect(image, categories).above(options.threshold);
        }
        GroundingOutput.writeJson(r, options.image, options.json, spec.commandLine().getOut());
        if (options.png != null) {
            GroundingOutput.writePng(r, image.toBufferedImage(), options.png);
        }
        return 0;
    }
}
