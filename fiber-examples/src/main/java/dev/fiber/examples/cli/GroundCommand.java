package dev.fiber.examples.cli;

import dev.fiber.core.text.CharSpan;
import dev.fiber.tasks.grounding.PhraseFinder;
import java.util.ArrayList;
import java.util.Locale;
import picocli.CommandLine.ParameterException;

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
            description = {"a phrase of the caption to ground (repeatable)",
                "default: the noun phrases a heuristic chunker finds (see PhraseFinder)"})
    List<String> phrases;

    @Option(names = "--whole-caption", description = "ground the whole caption as one phrase instead of finding phrases")
    boolean wholeCaption;

    @Override
    public Integer call() throws Exception {
        RgbImage image = ImageDecoder.read(options.image);
        boolean explicit = phrases != null && !phrases.isEmpty();
        if (explicit && wholeCaption) {
            throw new ParameterException(spec.commandLine(), "--whole-caption and -p exclude each other");
        }
        if (caption.isBlank()) {
            throw new ParameterException(spec.commandLine(), "the caption is empty");
        }
        List<List<CharSpan>> spans = new ArrayList<>();
        if (explicit) {
            for (String p : phrases) {
                int at = caption.indexOf(p);
                if (p.isEmpty() || at < 0) {
                    throw new ParameterException(spec.commandLine(),
                            "phrase '" + p + "' does not occur in the caption '" + caption + "'");
                }
                spans.add(List.of(new CharSpan(at, at + p.length())));
            }
        } else if (wholeCaption) {
            spans.add(List.of(new CharSpan(0, caption.length())));
        } else {
            List<PhraseFinder.Phrase> found = PhraseFinder.find(caption);
            if (found.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "no noun phrase found in '" + caption
                        + "'; give phrases with -p or use --whole-caption");
            }
            StringBuilder note = new StringBuilder("phrases found (heuristic):");
            for (PhraseFinder.Phrase p : found) {
                spans.add(List.of(p.span()));
                note.append(String.format(Locale.ROOT, " '%s' [%d, %d)", p.text(), p.span().begin(), p.span().end()));
            }
            spec.commandLine().getErr().println(note);
        }
        GroundingResult r;
        try (FiberGrounder g = options.load()) {
            r = g.ground(image, caption, spans).above(options.threshold);
        }
        GroundingOutput.writeJson(r, options.image, options.json, spec.commandLine().getOut());
        if (options.png != null) {
            GroundingOutput.writePng(r, image.toBufferedImage(), options.png);
        }
        return 0;
    }
}
