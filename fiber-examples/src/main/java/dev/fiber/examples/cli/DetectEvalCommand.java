package dev.fiber.examples.cli;

import dev.fiber.core.util.ProgressBar;
import dev.fiber.tasks.grounding.FiberGrounder;
import dev.fiber.tasks.grounding.eval.CocoDetection;
import dev.fiber.tasks.grounding.eval.CocoEval;
import dev.fiber.tasks.grounding.eval.CocoGroundTruth;
import dev.fiber.tasks.grounding.eval.GroundingEvaluation;
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
import java.util.concurrent.Callable;

/** {@code fiber detect-eval}: COCO box AP of open-vocabulary detection (or of a COCO results file). */
@Command(name = "detect-eval", mixinStandardHelpOptions = true,
        description = {"COCO box AP/AR (a port of pycocotools COCOeval, bbox) of fine-grained FIBER detection",
            "on a COCO-format annotation file, or of an existing results file (--detections)."})
public final class DetectEvalCommand implements Callable<Integer> {

    @Mixin
    GroundingModelOptions model;

    @Spec
    CommandSpec spec;

    @Option(names = {"-a", "--annotations"}, required = true, paramLabel = "JSON",
            description = "COCO-format ground truth, e.g. instances_val2017.json")
    Path annotations;

    @Option(names = "--images", paramLabel = "DIR", description = "folder of the images (needed with -w)")
    Path images;

    @Option(names = "--detections", paramLabel = "JSON",
            description = "evaluate this COCO results file instead of running a model")
    Path detections;

    @Option(names = "--save-detections", paramLabel = "JSON", description = "write the model's detections here")
    Path save;

    @Option(names = "--limit", defaultValue = "0", paramLabel = "N",
            description = "evaluate only the first N images (the ground truth is restricted to them)")
    int limit;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the 12 statistics as JSON here")
    Path json;

    @Override
    public Integer call() throws Exception {
        if (model.hasWeights() == (detections != null)) {
            throw new ParameterException(spec.commandLine(), "give either -w (run the model) or --detections (a results file)");
        }
        if (model.hasWeights() && images == null) {
            throw new ParameterException(spec.commandLine(), "--images is needed to run the model");
        }
        CocoGroundTruth gt = CocoGroundTruth.read(annotations);
        List<CocoGroundTruth.Image> imgs = gt.images();
        if (limit > 0 && limit < imgs.size()) {
            imgs = imgs.subList(0, limit);
            gt = GroundingEvaluation.restrict(gt, imgs);
        }
        List<CocoDetection> dets;
        if (detections != null) {
            java.util.Set<Long> ids = new java.util.HashSet<>();
            imgs.forEach(i -> ids.add(i.id()));
            dets = CocoGroundTruth.readDetections(detections).stream().filter(d -> limit <= 0 || ids.contains(d.imageId()))
                    .toList();
        } else {
            try (FiberGrounder g = model.load();
                    ProgressBar bar = ProgressBar.items("detect-eval", imgs.size(), "images")) {
                dets = GroundingEvaluation.detect(g, gt, imgs, images, bar);
            }
            if (save != null) {
                GroundingEvaluation.writeDetections(dets, save);
            }
        }
        CocoEval.Stats stats = CocoEval.evaluate(gt, dets);
        spec.commandLine().getOut().printf(Locale.ROOT, "%d images, %d categories, %d detections%n", stats.images(),
                stats.categories(), dets.size());
        spec.commandLine().getOut().print(stats.summary());
        spec.commandLine().getOut().flush();
        if (json != null) {
            StringBuilder b = new StringBuilder("{");
            for (int i = 0; i < CocoEval.STAT_NAMES.size(); i++) {
                b.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "\"%s\": %.6f", CocoEval.STAT_NAMES.get(i),
                        stats.stats()[i]));
            }
            Files.writeString(json, b.append("}\n").toString(), StandardCharsets.UTF_8);
        }
        return 0;
    }
}
