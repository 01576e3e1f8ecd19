package dev.fiber.examples.cli;

import dev.fiber.core.image.RgbImage;
import dev.fiber.tasks.retrieval.FiberRetrieval;
import dev.fiber.tasks.retrieval.ItmQuery;
import dev.fiber.tasks.retrieval.ItmScore;
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

/** {@code fiber itm}: image-text matching scores. */
@Command(name = "itm", mixinStandardHelpOptions = true,
        description = {"Score how well texts match an image (FIBER ITM head: softmax match probability and match logit),",
            "sorted by the match logit as FIBER's ITM retrieval ranks. The image is encoded once for all texts.",
            "Example: fiber itm -m fiber-coco-retrieval-itm -i dog.jpg -t 'a dog on grass' -t 'a cat on a sofa'"})
public final class ItmCommand implements Callable<Integer> {

    @Mixin
    TaskOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = {"-i", "--image"}, required = true, paramLabel = "FILE", description = "the image")
    Path image;

    @Option(names = {"-t", "--text"}, required = true, paramLabel = "TEXT", description = "a text (repeatable)")
    List<String> texts;

    @Option(names = "--no-cache", description = "recompute the image's uni-modal bottom for every text (same scores, slower)")
    boolean noCache;

    @Override
    public Integer call() throws Exception {
        return TaskCommands.run(spec, () -> {
            RgbImage img = TaskCommands.image(image);
            FiberRetrieval.Builder b = FiberRetrieval.builder(options.checkpoint()).optDevice(options.device());
            if (options.resolutionOrNull() != null) {
                b.optImageSize(options.resolution);
            }
            List<ItmScore> scores;
            try (FiberRetrieval r = b.build()) {
                scores = r.itm(ItmQuery.imageVsTexts(img, texts), !noCache);
            }
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                order.add(i);
            }
            order.sort((x, y) -> Float.compare(scores.get(y).matchLogit(), scores.get(x).matchLogit()));
            if (options.json) {
                List<Map<String, Object>> out = new ArrayList<>();
                for (int i : order) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("text", texts.get(i));
                    m.put("matchProbability", scores.get(i).matchProbability());
                    m.put("matchLogit", scores.get(i).matchLogit());
                    m.put("noMatchLogit", scores.get(i).noMatchLogit());
                    out.add(m);
                }
                TaskCommands.printJson(spec, Map.of("image", image.toString(), "results", out));
            } else {
                PrintWriter out = spec.commandLine().getOut();
                for (int i : order) {
                    out.printf("%.4f  (logit %+.3f)  %s%n", scores.get(i).matchProbability(), scores.get(i).matchLogit(), texts.get(i));
                }
                out.flush();
            }
            return 0;
        });
    }
}
