package dev.fiber.examples.cli;

import dev.fiber.core.image.RgbImage;
import dev.fiber.tasks.caption.Caption;
import dev.fiber.tasks.caption.FiberCaptioner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fiber caption}: caption images with a FIBER captioning checkpoint. */
@Command(name = "caption", mixinStandardHelpOptions = true,
        description = {"Caption images (coarse FIBER, official beam search: beam 5, length-normalised, max_text_len tokens).",
            "Images given together are decoded as one batch, as the official evaluation does.",
            "Example: fiber caption -m fiber-coco-caption -i beach.jpg"})
public final class CaptionCommand implements Callable<Integer> {

    @Mixin
    TaskOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = {"-i", "--image"}, required = true, paramLabel = "FILE", description = "an image (repeatable)")
    List<Path> images;

    @Option(names = "--beam", defaultValue = "5", paramLabel = "N", description = "beam size (default ${DEFAULT-VALUE})")
    int beam;

    @Option(names = "--greedy", description = "greedy decoding instead of beam search")
    boolean greedy;

    @Option(names = "--max-length", defaultValue = "0", paramLabel = "N",
            description = "maximum length including <s> (default: the checkpoint's max_text_len)")
    int maxLength;

    @Option(names = "--full-recompute",
            description = "recompute the whole prefix at every step as the official code does (same captions, much slower)")
    boolean fullRecompute;

    @Override
    public Integer call() throws Exception {
        return TaskCommands.run(spec, () -> {
            List<RgbImage> imgs = new ArrayList<>();
            for (Path p : images) {
                imgs.add(TaskCommands.image(p));
            }
            FiberCaptioner.Builder b = FiberCaptioner.builder(options.checkpoint()).optBeamSize(beam).optGreedy(greedy)
                    .optMaxLength(maxLength).optIncremental(!fullRecompute).optDevice(options.device());
            if (options.resolutionOrNull() != null) {
                b.optImageSize(options.resolution);
            }
            List<Caption> caps;
            long t0 = System.nanoTime();
            try (FiberCaptioner c = b.build()) {
                t0 = System.nanoTime();
                caps = c.captionAll(imgs);
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            if (options.json) {
                List<Map<String, Object>> out = new ArrayList<>();
                for (int i = 0; i < caps.size(); i++) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("image", images.get(i).toString());
                    m.put("caption", caps.get(i).text().strip());
                    m.put("tokens", caps.get(i).tokens());
                    m.put("score", caps.get(i).score());
                    out.add(m);
                }
                TaskCommands.printJson(spec, Map.of("results", out, "seconds", secs));
            } else {
                PrintWriter out = spec.commandLine().getOut();
                for (int i = 0; i < caps.size(); i++) {
                    out.println(images.get(i) + ": " + caps.get(i).text().strip());
                }
                out.flush();
            }
            return 0;
        });
    }
}
