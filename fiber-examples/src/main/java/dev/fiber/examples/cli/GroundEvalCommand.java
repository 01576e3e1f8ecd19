package dev.fiber.examples.cli;

import dev.fiber.core.util.ProgressBar;
import dev.fiber.tasks.grounding.FiberGrounder;
import dev.fiber.tasks.grounding.eval.FlickrEntities;
import dev.fiber.tasks.grounding.eval.FlickrRecall;
import dev.fiber.tasks.grounding.eval.FlickrSentence;
import dev.fiber.tasks.grounding.eval.GroundingEvaluation;
import dev.fiber.tasks.grounding.eval.GtBoxMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code fiber ground-eval}: Flickr30k Entities phrase-grounding recall@k of a fine-grained checkpoint. */
@Command(name = "ground-eval", mixinStandardHelpOptions = true,
        description = {"Phrase grounding recall@1/5/10 (IoU >= 0.5) on Flickr30k Entities in MDETR's format",
            "(final_flickr_separateGT_*.json), as FIBER's Flickr evaluator computes it."})
public final class GroundEvalCommand implements Callable<Integer> {

    @Mixin
    GroundingModelOptions model;

    @Spec
    CommandSpec spec;

    @Option(names = {"-a", "--annotations"}, required = true, paramLabel = "JSON",
            description = "MDETR Flickr30k Entities file, e.g. final_flickr_separateGT_test.json")
    Path annotations;

    @Option(names = "--images", required = true, paramLabel = "DIR", description = "folder of the Flickr30k images")
    Path images;

    @Option(names = "--gt-mode", defaultValue = "separate", paramLabel = "MODE",
            description = "separate (any box, FIBER's test setting) or merged (enclosing box per phrase); default ${DEFAULT-VALUE}")
    String gtMode;

    @Option(names = "--limit", defaultValue = "0", paramLabel = "N", description = "evaluate only the first N sentences")
    int limit;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the results as JSON here")
    Path json;

    @Override
    public Integer call() throws Exception {
        if (!model.hasWeights()) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--weights=CKPT'");
        }
        List<FlickrSentence> sentences = FlickrEntities.read(annotations);
        if (limit > 0 && limit < sentences.size()) {
            sentences = sentences.subList(0, limit);
        }
        GtBoxMode mode = switch (gtMode.toLowerCase(Locale.ROOT)) {
            case "separate" -> GtBoxMode.SEPARATE;
            case "merged" -> GtBoxMode.MERGED;
            default -> throw new ParameterException(spec.commandLine(), "--gt-mode must be separate or merged, got " + gtMode);
        };
        FlickrRecall recall = new FlickrRecall(new int[] {1, 5, 10}, 0.5, mode);
        try (FiberGrounder g = model.load();
                ProgressBar bar = ProgressBar.items("ground-eval", sentences.size(), "sentences")) {
            GroundingEvaluation.flickr(g, sentences, images, recall, bar);
        }
        spec.commandLine().getOut().println(recall.summary());
        if (json != null) {
            StringBuilder b = new StringBuilder("{");
            b.append(String.format(Locale.ROOT, "\"phrases\": %d, \"sentences\": %d, \"gt_mode\": \"%s\"",
                    recall.phrases(), recall.sentences(), mode.name().toLowerCase(Locale.ROOT)));
            for (Map.Entry<String, Double> e : recall.results().entrySet()) {
                b.append(String.format(Locale.ROOT, ", \"%s\": %.6f", e.getKey(), e.getValue()));
            }
            Files.writeString(json, b.append("}\n").toString(), StandardCharsets.UTF_8);
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
