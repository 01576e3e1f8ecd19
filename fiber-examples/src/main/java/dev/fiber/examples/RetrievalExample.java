package dev.fiber.examples;

import dev.fiber.core.image.ImageDecoder;
import dev.fiber.core.image.RgbImage;
import dev.fiber.tasks.retrieval.EmbeddingIndex;
import dev.fiber.tasks.retrieval.FiberRetrieval;
import dev.fiber.tasks.retrieval.Hit;
import dev.fiber.tasks.retrieval.RerankedHit;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Text-to-image search: ITC embeddings of some images, the top hits for a query text, re-ranked by
 * ITM when the checkpoint has the ITM head. Usage:
 * {@code RetrievalExample CHECKPOINT "QUERY TEXT" IMAGE...} (checkpoint e.g. {@code fiber-coco-retrieval-itm}).
 */
public final class RetrievalExample {

    private RetrievalExample() {}

    /**
     * @param args checkpoint, query, images
     * @throws Exception on any failure
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: RetrievalExample CHECKPOINT QUERY IMAGE...");
            System.exit(2);
        }
        List<RgbImage> images = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            images.add(ImageDecoder.read(Path.of(args[i])));
        }
        try (FiberRetrieval r = FiberRetrieval.load(args[0])) {
            List<float[]> emb = r.embedImages(images);
            EmbeddingIndex index = new EmbeddingIndex(emb.get(0).length);
            for (int i = 0; i < emb.size(); i++) {
                index.addNormalized(i, emb.get(i));
            }
            List<Hit> hits = index.search(r.embedText(args[1]), Math.min(5, images.size()));
            if (r.hasItm()) {
                for (RerankedHit h : r.rerankImages(args[1], hits, id -> images.get((int) id))) {
                    System.out.printf("%s  itm %.3f  itc %.3f%n", args[2 + (int) h.id()], h.itm().matchProbability(), h.itcScore());
                }
            } else {
                for (Hit h : hits) {
                    System.out.printf("%s  itc %.3f%n", args[2 + (int) h.id()], h.score());
                }
            }
        }
    }
}
