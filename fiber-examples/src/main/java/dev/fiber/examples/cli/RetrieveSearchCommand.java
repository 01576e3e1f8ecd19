package dev.fiber.examples.cli;

import dev.fiber.core.image.ImageDecoder;
import dev.fiber.core.image.RgbImage;
import dev.fiber.tasks.retrieval.EmbeddingIndex;
import dev.fiber.tasks.retrieval.FiberRetrieval;
import dev.fiber.tasks.retrieval.Hit;
import dev.fiber.tasks.retrieval.RerankedHit;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fiber retrieve search}: query an index with a text or an image, optionally re-ranking by ITM. */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = {"Search an index from `fiber retrieve index`: a --text query against an image index, or an --image",
            "query against a text index, by ITC cosine similarity; --rerank K re-scores the top K with ITM (the query's",
            "uni-modal bottom is computed once). Example:",
            "  fiber retrieve search -m fiber-coco-retrieval-itm --index photos.index -t 'a red bus' -k 5 --rerank 20"})
public final class RetrieveSearchCommand implements Callable<Integer> {

    @Mixin
    TaskOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--index", required = true, paramLabel = "FILE", description = "index file (with its .items.json)")
    Path indexFile;

    static final class Query {
        @Option(names = {"-t", "--text"}, required = true, paramLabel = "TEXT", description = "text query (image index)")
        String text;

        @Option(names = {"-i", "--image"}, required = true, paramLabel = "FILE", description = "image query (text index)")
        Path image;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Query query;

    @Option(names = {"-k", "--top-k"}, defaultValue = "10", paramLabel = "K", description = "results to show (default ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--rerank", defaultValue = "0", paramLabel = "K",
            description = "re-rank the ITC top K with the ITM head (needs an ITM checkpoint; 0 = off)")
    int rerank;

    @Override
    public Integer call() throws Exception {
        return TaskCommands.run(spec, () -> {
            if (topK < 1 || rerank < 0) {
                throw new IllegalArgumentException("--top-k must be >= 1 and --rerank >= 0");
            }
            RetrievalItems items = RetrievalItems.read(indexFile);
            EmbeddingIndex index = EmbeddingIndex.load(indexFile);
            boolean textQuery = query.text != null;
            if (textQuery != "image".equals(items.kind())) {
                throw new IllegalArgumentException(indexFile + " indexes " + items.kind() + "s; query it with "
                        + ("image".equals(items.kind()) ? "--text" : "--image"));
            }
            if (!items.checkpoint().equals(options.checkpoint())) {
                spec.commandLine().getErr().println("fiber retrieve search: warning: the index was built with " + items.checkpoint()
                        + ", searching with " + options.checkpoint());
            }
            RgbImage queryImage = textQuery ? null : TaskCommands.image(query.image);
            FiberRetrieval.Builder b = FiberRetrieval.builder(options.checkpoint()).optDevice(options.device());
            if (options.resolutionOrNull() != null) {
                b.optImageSize(options.resolution);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (FiberRetrieval r = b.build()) {
                float[] q = textQuery ? r.embedText(query.text) : r.embedImage(queryImage);
                List<Hit> hits = index.search(q, Math.max(topK, rerank));
                if (rerank > 0) {
                    List<Hit> head = hits.subList(0, Math.min(rerank, hits.size()));
                    List<RerankedHit> rr = textQuery
                            ? r.rerankImages(query.text, head, id -> readImage(items.items().get((int) id)))
                            : r.rerankTexts(queryImage, head, id -> items.items().get((int) id));
                    for (RerankedHit h : rr.subList(0, Math.min(topK, rr.size()))) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("item", items.items().get((int) h.id()));
                        m.put("itc", h.itcScore());
                        m.put("itmProbability", h.itm().matchProbability());
                        m.put("itmLogit", h.itm().matchLogit());
                        rows.add(m);
                    }
                } else {
                    for (Hit h : hits.subList(0, Math.min(topK, hits.size()))) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("item", items.items().get((int) h.id()));
                        m.put("itc", h.score());
                        rows.add(m);
                    }
                }
            }
            if (options.json) {
                Map<String, Object> root = new LinkedHashMap<>();
                root.put("query", textQuery ? query.text : query.image.toString());
                root.put("results", rows);
                TaskCommands.printJson(spec, root);
            } else {
                PrintWriter out = spec.commandLine().getOut();
                int rank = 1;
                for (Map<String, Object> m : rows) {
                    if (m.containsKey("itmLogit")) {
                        out.printf("%2d. itm %.4f (logit %+.3f)  itc %.4f  %s%n", rank++, (Float) m.get("itmProbability"),
                                (Float) m.get("itmLogit"), (Float) m.get("itc"), m.get("item"));
                    } else {
                        out.printf("%2d. itc %.4f  %s%n", rank++, (Float) m.get("itc"), m.get("item"));
                    }
                }
                out.flush();
            }
            return 0;
        });
    }

    private static RgbImage readImage(String path) {
        try {
            return ImageDecoder.read(Path.of(path));
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
