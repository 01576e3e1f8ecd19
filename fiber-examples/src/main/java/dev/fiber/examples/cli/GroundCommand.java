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

/** {@code fiber ground}: phrase grounding with fine-grained FIBER. */
@Command(name = "ground", mixinStandardHelpOptions = true,
        description = "Find the boxes of phrases of a caption (fine-grained FIBER phrase grounding).")
public final class GroundCommand implements Callable<Integer> {

    @Mixin
    GroundingOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--caption"}, required = true, paramLabel = "TEXT", description = "the caption")
    String caption;

    @Option(names = {"-p", "--phrase"}, paramLabel = "TEXT",
            description = "a phrase of the caption to ground (repeatable; default: the whole caption)")
    List<String> phrases;

    @Override
    public Integer call() throws Exception {
        RgbImage image = ImageDecoder.read(options.image);
        List<String> ps = phrases == null || phrases.isEmpty() ? List.of(caption) : phrases;
        GroundingResult r;
        try (FiberGrounder g = options.load()) {
            r = g.groundPhrases(image, caption, ps).above(options.threshold);
        }
        GroundingOutput.writeJson(r, options.image, options.json, spec.commandLine().getOut());
        if (options.png != null) {
            GroundingOutput.writePng(r, image.toBufferedImage(), options.png);
        }
        return 0;
    }
}
