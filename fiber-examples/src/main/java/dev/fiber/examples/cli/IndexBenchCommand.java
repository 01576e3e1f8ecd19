package dev.fiber.examples.cli;

import dev.fiber.tasks.retrieval.EmbeddingIndex;
import dev.fiber.tasks.retrieval.SearchResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fiber index-bench}: times {@link EmbeddingIndex} top-k search on random unit vectors (the numbers
 * recorded in docs/PERFORMANCE.md, section "Retrieval index").
 */
@Command(
        name = "index-bench",
        mixinStandardHelpOptions = true,
        description = "Benchmark the retrieval index: top-k search over random L2-normalised embeddings.")
public final class IndexBenchCommand implements Callable<Integer> {

    @Option(names = "--size", defaultValue = "100000", description = "stored embeddings (default ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--dim", defaultValue = "768", description = "dimension (default ${DEFAULT-VALUE})")
    int dim;

    @Option(names = "--k", defaultValue = "10", description = "results per query (default ${DEFAULT-VALUE})")
    int k;

    @Option(names = "--repeats", defaultValue = "30", description = "timed single-query searches (default ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--batch", split = ",", defaultValue = "16,256",
            description = "query batch sizes to time per back-end (default ${DEFAULT-VALUE})")
    int[] batches;

    @Option(names = "--save", paramLabel = "FILE", description = "also time save/load as safetensors to FILE")
    Path save;

    @Override
    public Integer call() throws Exception {
        Random rnd = new Random(1);
        long t0 = System.nanoTime();
        EmbeddingIndex index = new EmbeddingIndex(dim);
        float[] row = new float[dim];
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < dim; j++) {
                row[j] = (float) rnd.nextGaussian();
            }
            index.add(i, row);
        }
        System.out.printf(Locale.ROOT, "index: %d x %d float32 (%.0f MB) built in %.1f s; %d cores%n", size, dim,
                size * (double) dim * 4 / (1 << 20), (System.nanoTime() - t0) / 1e9,
                Runtime.getRuntime().availableProcessors());
        float[] q = new float[dim];
        for (int w = 0; w < 10; w++) {
            fill(rnd, q);
            index.search(q, k);
        }
        double[] ms = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            fill(rnd, q);
            long s = System.nanoTime();
            index.search(q, k);
            ms[r] = (System.nanoTime() - s) / 1e6;
        }
        Arrays.sort(ms);
        System.out.printf(Locale.ROOT, "single query top-%d (Java back-end): median %.1f ms, min %.1f ms, max %.1f ms (%d runs)%n",
                k, ms[repeats / 2], ms[0], ms[repeats - 1], repeats);
        for (int b : batches) {
            float[] qs = new float[b * dim];
            fill(rnd, qs);
            for (EmbeddingIndex.Backend backend : new EmbeddingIndex.Backend[] {EmbeddingIndex.Backend.JAVA,
                EmbeddingIndex.Backend.NDARRAY}) {
                index.search(qs, b, k, backend); // warm-up
                long s = System.nanoTime();
                SearchResult res = index.search(qs, b, k, backend);
                double took = (System.nanoTime() - s) / 1e6;
                System.out.printf(Locale.ROOT, "batch of %d queries, %s back-end: %.0f ms (%.2f ms/query), best score %.4f%n",
                        b, backend, took, took / b, res.scores()[0]);
            }
        }
        if (save != null) {
            long s = System.nanoTime();
            index.save(save);
            double w = (System.nanoTime() - s) / 1e6;
            s = System.nanoTime();
            EmbeddingIndex back = EmbeddingIndex.load(save);
            double l = (System.nanoTime() - s) / 1e6;
            System.out.printf(Locale.ROOT, "save %.0f ms, load %.0f ms (%d bytes, %d rows)%n", w, l, Files.size(save),
                    back.size());
        }
        return 0;
    }

    private static void fill(Random rnd, float[] v) {
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
    }
}
