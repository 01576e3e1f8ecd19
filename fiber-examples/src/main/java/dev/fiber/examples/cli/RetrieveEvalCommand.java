package dev.fiber.examples.cli;

import dev.fiber.tasks.metrics.RetrievalRecall;
import dev.fiber.tasks.retrieval.FiberRetrieval;
import dev.fiber.tasks.retrieval.KarpathyDataset;
import dev.fiber.tasks.retrieval.RetrievalEvaluator;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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

/** {@code fiber retrieve eval}: recall@K on a Karpathy split. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Image-text retrieval recall@1/5/10 (IR: text->image, TR: image->text) on a Karpathy split file",
            "(dataset_coco.json, dataset_flickr30k.json) with the images in a folder, from ITC similarities",
            "(compute_itc_recall); --itm-rerank K re-ranks each query's ITC top K with the ITM head. Example:",
            "  fiber retrieve eval -m fiber-f30k-retrieval-itc --karpathy dataset_flickr30k.json --images flickr30k-images/"})
public final class RetrieveEvalCommand implements Callable<Integer> {

    @Mixin
    TaskOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--karpathy", required = true, paramLabel = "JSON", description = "Karpathy split file")
    Path karpathy;

    @Option(names = "--images", required = true, paramLabel = "DIR", description = "image folder (filepath/filename or filename below it)")
    Path images;

    @Option(names = "--split", defaultValue = "test", paramLabel = "NAME", description = "split to evaluate (default ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--limit", defaultValue = "0", paramLabel = "N", description = "only the first N images of the split (0 = all)")
    int limit;

    @Option(names = "--batch-size", defaultValue = "4", paramLabel = "N",
            description = "images per forward pass (memory grows with it; default ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--text-batch-size", defaultValue = "64", paramLabel = "N", description = "texts per forward pass (default ${DEFAULT-VALUE})")
    int textBatchSize;

    @Option(names = "--itm-rerank", defaultValue = "0", paramLabel = "K", description = "ITM re-ranking depth per query (0 = ITC only)")
    int rerank;

    @Override
    public Integer call() throws Exception {
        return TaskCommands.run(spec, () -> {
            if (!Files.isDirectory(images)) {
                throw new NoSuchFileException(images.toString(), null, "image folder not found");
            }
            KarpathyDataset.Gallery g = KarpathyDataset.read(karpathy).gallery(split);
            if (limit > 0 && limit < g.images().size()) {
                List<String> caps = new ArrayList<>();
                List<Integer> owner = new ArrayList<>();
                for (int j = 0; j < g.captions().size(); j++) {
                    if (g.captionImageIdx()[j] < limit) {
                        caps.add(g.captions().get(j));
                        owner.add(g.captionImageIdx()[j]);
                    }
                }
                g = new KarpathyDataset.Gallery(g.images().subList(0, limit), caps, owner.stream().mapToInt(Integer::intValue).toArray());
            }
            FiberRetrieval.Builder b = FiberRetrieval.builder(options.checkpoint()).optDevice(options.device());
            if (options.resolutionOrNull() != null) {
                b.optImageSize(options.resolution);
            }
            RetrievalEvaluator.Result res;
            try (FiberRetrieval r = b.build()) {
                res = RetrievalEvaluator.evaluate(r, g, images, batchSize, textBatchSize, rerank, true);
            }
            if (options.json) {
                Map<String, Object> root = new LinkedHashMap<>();
                root.put("karpathy", karpathy.toString());
                root.put("split", split);
                root.put("images", res.numImages());
                root.put("texts", res.numTexts());
                root.put("itc", recall(res.itc()));
                if (res.itm() != null) {
                    root.put("itmRerank", res.rerankK());
                    root.put("itm", recall(res.itm()));
                }
                root.put("seconds", res.seconds());
                TaskCommands.printJson(spec, root);
            } else {
                PrintWriter out = spec.commandLine().getOut();
                out.printf("%s, split %s: %d images, %d texts (%.1f s)%n", karpathy.getFileName(), split, res.numImages(), res.numTexts(),
                        res.seconds());
                out.println("ITC:              " + res.itc());
                if (res.itm() != null) {
                    out.printf("ITM (top %d):%s%s%n", res.rerankK(), " ".repeat(Math.max(1, 6 - String.valueOf(res.rerankK()).length())), res.itm());
                }
                out.flush();
            }
            return 0;
        });
    }

    private static Map<String, Double> recall(RetrievalRecall r) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int k : new int[] {1, 5, 10}) {
            m.put("IR@" + k, r.imageRecallAt(k));
        }
        for (int k : new int[] {1, 5, 10}) {
            m.put("TR@" + k, r.textRecallAt(k));
        }
        return m;
    }
}
