package dev.fiber.examples.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fiber.core.config.FiberConfig;
import dev.fiber.core.model.FiberModel;
import dev.fiber.core.model.FlopCount;
import dev.fiber.core.model.load.LoadOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fiber bench}: times full-size FIBER-B (the official coarse-grained architecture, random
 * weights) on this machine: fused inference (official {@code infer}) at batch 1 and 8, the text-only
 * ITC path at batch 8 and the image-only ITC path at batch 1, each the median of several runs after
 * warm-up, with achieved GFLOP/s (from {@link FlopCount}) and the peak resident memory of each
 * scenario. This is a benchmark, not a test: results belong in {@code docs/PERFORMANCE.md}.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Benchmark full-size FIBER-B (random weights, float32, eval) on this machine: fused inference at",
            "batch 1 and 8, text-only at batch 8, image-only at batch 1; median after warm-up, GFLOP/s, peak RSS.",
            "Run it on an otherwise idle machine: libtorch's thread pool stalls when the cores are shared."
        })
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--threads", defaultValue = "2", description = "libtorch intra-op threads (default ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--runs", defaultValue = "5", description = "timed runs per scenario (median reported; default ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--warmup", defaultValue = "2", description = "untimed runs per scenario first (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--image-size", defaultValue = "384", description = "image resolution (default ${DEFAULT-VALUE})")
    int imageSize;

    @Option(names = "--text-len", defaultValue = "40", description = "text tokens (default ${DEFAULT-VALUE}, FIBER's max_text_len)")
    int textLen;

    @Option(names = "--scenarios", split = ",", defaultValue = "image1,fused1,text8,fused8",
            description = "which scenarios, comma-separated, of fused1, fused8, text8, image1 (default ${DEFAULT-VALUE})")
    List<String> scenarios;

    @Option(names = "--markdown", paramLabel = "FILE", description = "also append the result table (markdown) to FILE")
    Path markdown;

    @Spec
    CommandSpec spec;

    /** One measured scenario. */
    record Result(String name, int batch, double medianS, double minS, double gflop, long peakRssBytes) {
        double gflops() {
            return gflop / medianS;
        }
    }

    @Override
    public Integer call() throws IOException {
        // libtorch reads its thread count once, when the engine starts
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        PrintWriter out = spec.commandLine().getOut();
        FiberConfig cfg = FiberConfig.fiberBase384().withImageSize(imageSize);
        Engine.getInstance().setRandomSeed(0);
        long t0 = System.nanoTime();
        resetPeakRss();
        List<Result> results = new ArrayList<>();
        try (FiberModel model = FiberModel.create(cfg, LoadOptions.defaults());
                NDManager inputs = NDManager.newBaseManager()) {
            out.printf(Locale.ROOT, "FIBER-B %dx%d, %d text tokens, random weights, float32, %d threads; model built in %.1f s, RSS %.2f GB%n",
                    imageSize, imageSize, textLen, threads, (System.nanoTime() - t0) / 1e9, rss("VmRSS") / 1e9);
            out.flush();
            for (String s : scenarios) {
                int batch = Integer.parseInt(s.replaceAll("\\D", ""));
                NDArray image = inputs.randomNormal(new Shape(batch, 3, imageSize, imageSize));
                NDArray ids = inputs.randomInteger(3, cfg.vocabSize() - 1, new Shape(batch, textLen), DataType.INT64);
                NDArray masks = inputs.ones(new Shape(batch, textLen), DataType.INT64);
                Consumer<NDManager> step;
                double flop;
                if (s.startsWith("fused")) {
                    step = m -> model.infer(m, image, ids, masks);
                    flop = FlopCount.fused(cfg, textLen) * batch;
                } else if (s.startsWith("text")) {
                    step = m -> model.inferText(m, ids, masks);
                    flop = FlopCount.textOnly(cfg, textLen) * batch;
                } else if (s.startsWith("image")) {
                    step = m -> model.inferImage(m, image);
                    flop = FlopCount.imageOnly(cfg) * batch;
                } else {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "unknown scenario " + s);
                }
                Result r = measure(s, batch, flop, step);
                results.add(r);
                out.printf(Locale.ROOT, "%-8s batch %d: median %.3f s (min %.3f), %.1f GFLOP, %.0f GFLOP/s, peak RSS %.2f GB%n",
                        s, batch, r.medianS(), r.minS(), r.gflop(), r.gflops(), r.peakRssBytes() / 1e9);
                out.flush();
                image.close();
                ids.close();
                masks.close();
            }
        }
        String table = table(results);
        out.println();
        out.print(table);
        out.flush();
        if (markdown != null) {
            Files.writeString(markdown, table, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        }
        return 0;
    }

    private Result measure(String name, int batch, double flop, Consumer<NDManager> step) {
        resetPeakRss();
        for (int i = 0; i < warmup; i++) {
            try (NDManager m = NDManager.newBaseManager()) {
                step.accept(m);
            }
        }
        double[] times = new double[runs];
        for (int i = 0; i < runs; i++) {
            try (NDManager m = NDManager.newBaseManager()) {
                long t = System.nanoTime();
                step.accept(m);
                times[i] = (System.nanoTime() - t) / 1e9;
            }
        }
        double[] sorted = times.clone();
        Arrays.sort(sorted);
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        return new Result(name, batch, median, sorted[0], flop / 1e9, rss("VmHWM"));
    }

    private String table(List<Result> results) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%n<!-- fiber bench, %s, %d threads, %d runs after %d warm-up -->%n",
                LocalDate.now(), threads, runs, warmup));
        sb.append("| scenario | batch | median (s) | min (s) | GFLOP | GFLOP/s | peak RSS (GB) |\n");
        sb.append("| --- | --- | --- | --- | --- | --- | --- |\n");
        for (Result r : results) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %.3f | %.1f | %.0f | %.2f |%n",
                    r.name(), r.batch(), r.medianS(), r.minS(), r.gflop(), r.gflops(), r.peakRssBytes() / 1e9));
        }
        return sb.toString();
    }

    /** Resets the kernel's peak-RSS counter (VmHWM) of this process, where Linux allows it. */
    private static void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            // not Linux, or not permitted: peaks are then process-wide
        }
    }

    /** A memory figure of /proc/self/status in bytes (-1 where unavailable). */
    private static long rss(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
