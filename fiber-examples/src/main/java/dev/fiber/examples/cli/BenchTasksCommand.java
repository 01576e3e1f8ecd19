package dev.fiber.examples.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fiber.core.config.FiberConfig;
import dev.fiber.core.model.FiberModel;
import dev.fiber.core.model.FusedFeatures;
import dev.fiber.core.model.FusionCache;
import dev.fiber.core.model.ImageBottom;
import dev.fiber.core.model.load.LoadOptions;
import dev.fiber.tasks.caption.CaptionSearch;
import dev.fiber.tasks.caption.CaptionTokens;
import dev.fiber.tasks.caption.DecodedCaption;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fiber bench-tasks}: times the task paths on a full-size FIBER-B with random weights
 * ({@link FiberConfig#fiberBase384()} plus the captioning and ITM heads): caption generation
 * (official beam search, beam 5, 40 tokens) with cached incremental decoding and, on request, with
 * the official full recomputation; ITM re-ranking of one image against 16 texts with and without the
 * uni-modal cache. Not a test: results go to docs/PERFORMANCE.md with the machine and its load.
 */
@Command(name = "bench-tasks", mixinStandardHelpOptions = true,
        description = {"Benchmark coarse FIBER task paths on FIBER-B (random weights): caption beam search (cached vs official",
            "full recompute) and ITM re-ranking of 1 image x N texts (with vs without the uni-modal cache).",
            "Prints the median / min of the timed runs and the load average."})
public final class BenchTasksCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--what", defaultValue = "caption,itm", split = ",", paramLabel = "LIST",
            description = "caption and/or itm (default ${DEFAULT-VALUE})")
    List<String> what;

    @Option(names = "--resolution", defaultValue = "384", paramLabel = "PIXELS", description = "image size (default ${DEFAULT-VALUE})")
    int resolution;

    @Option(names = "--runs", defaultValue = "3", paramLabel = "N", description = "timed runs per measurement (default ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--warmup", defaultValue = "1", paramLabel = "N", description = "untimed runs first (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--beam", defaultValue = "5", paramLabel = "N", description = "beam size (default ${DEFAULT-VALUE})")
    int beam;

    @Option(names = "--max-length", defaultValue = "40", paramLabel = "N", description = "caption length incl. <s> (default ${DEFAULT-VALUE})")
    int maxLength;

    @Option(names = "--texts", defaultValue = "16", paramLabel = "N", description = "texts re-ranked against one image (default ${DEFAULT-VALUE})")
    int texts;

    @Option(names = "--chunk", defaultValue = "4", paramLabel = "N",
            description = "ITM pairs per forward pass, for both variants (memory grows with it; default ${DEFAULT-VALUE})")
    int chunk;

    @Option(names = "--compare-full", description = "also time the official full-recompute decoding (slow: ~40 text passes per caption)")
    boolean compareFull;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|gpu", description = "device (default ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "random seed for weights and inputs")
    long seed;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "libtorch intra-op threads (0 = libtorch's default, one per core). On a machine shared with other jobs, "
                    + "1 thread avoids OpenMP barrier stalls that dominate the many small decoding ops")
    int threads;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Device d = "gpu".equalsIgnoreCase(device) ? Device.gpu() : Device.cpu();
        Map<String, Integer> losses = new LinkedHashMap<>();
        losses.put("itm", 1);
        losses.put("itc", 1);
        losses.put("caption_mle", 1);
        FiberConfig cfg = FiberConfig.fiberBase384().withLossNames(losses).withImageSize(resolution);
        Engine.getInstance().setRandomSeed((int) seed);
        if (threads > 0) {
            ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
        }
        out.printf("fiber bench-tasks %s: FIBER-B random weights, %dx%d, device %s, %d runs after %d warm-up, java %s, %d cores, "
                + "%d libtorch threads%n", LocalDate.now(), resolution, resolution, d, runs, warmup, System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), ai.djl.pytorch.jni.JniUtils.getNumThreads());
        out.println("load average at start: " + load());
        out.flush();
        try (FiberModel model = FiberModel.create(cfg, LoadOptions.defaults().withDevice(d));
             NDManager m = NDManager.newBaseManager(d)) {
            NDArray image = m.randomNormal(new Shape(1, 3, resolution, resolution));
            if (what.contains("caption")) {
                benchCaption(out, model, m, image, true);
                if (compareFull) {
                    benchCaption(out, model, m, image, false);
                }
            }
            if (what.contains("itm")) {
                benchItm(out, model, m, image);
            }
        }
        out.println("load average at end: " + load());
        out.flush();
        return 0;
    }

    private void benchCaption(PrintWriter out, FiberModel model, NDManager m, NDArray image, boolean incremental) {
        CaptionTokens tokens = CaptionTokens.roberta();
        int[] steps = new int[1];
        double[] t = time(() -> {
            try (NDManager scope = m.newSubManager()) {
                steps[0] = 0;
                NDArray embeds = model.captionImageEmbeds(scope, image);
                List<DecodedCaption> r = CaptionSearch.beam(model, scope, embeds, beam, maxLength, incremental, tokens,
                        (i, s) -> steps[0] = i + 1);
                r.get(0).ids();
            }
        });
        out.printf("caption beam %d, max length %d, %s: median %.2f s, min %.2f s (%d decoding steps; image encoding included)%n", beam,
                maxLength, incremental ? "cached incremental decoding" : "official full recompute", t[0], t[1], steps[0]);
        out.println("  load average: " + load());
        out.flush();
    }

    private void benchItm(PrintWriter out, FiberModel model, NDManager m, NDArray image) {
        Random rnd = new Random(seed);
        int len = model.config().maxTextLen();
        long[] ids = new long[texts * len];
        long[] masks = new long[texts * len];
        for (int i = 0; i < texts; i++) {
            int n = 8 + rnd.nextInt(len - 10);
            ids[i * len] = 0;
            masks[i * len] = 1;
            for (int j = 1; j < len; j++) {
                boolean tok = j <= n;
                ids[i * len + j] = j == n + 1 ? 2 : tok ? 4 + rnd.nextInt(50000) : 1;
                masks[i * len + j] = j <= n + 1 ? 1 : 0;
            }
        }
        NDArray idArr = m.create(ids, new Shape(texts, len));
        NDArray maskArr = m.create(masks, new Shape(texts, len));
        FusionCache cache = new FusionCache(model);
        float[][] results = new float[2][texts * 2];
        double[] plain = time(() -> {
            for (int c0 = 0; c0 < texts; c0 += chunk) {
                int c1 = Math.min(texts, c0 + chunk);
                try (NDManager s = m.newSubManager()) {
                    FusedFeatures f = model.infer(s, image.repeat(0, c1 - c0), idArr.get(c0 + ":" + c1), maskArr.get(c0 + ":" + c1));
                    System.arraycopy(model.itmLogits(s, f.clsFeats()).toFloatArray(), 0, results[0], c0 * 2, (c1 - c0) * 2);
                }
            }
        });
        double[] cached = time(() -> {
            try (NDManager s = m.newSubManager()) {
                ImageBottom bottom = cache.encodeImageBottom(s, image);
                for (int c0 = 0; c0 < texts; c0 += chunk) {
                    int c1 = Math.min(texts, c0 + chunk);
                    try (NDManager t = s.newSubManager()) {
                        FusedFeatures f = cache.inferFromBottoms(t, bottom,
                                cache.encodeTextBottom(t, idArr.get(c0 + ":" + c1), maskArr.get(c0 + ":" + c1)));
                        System.arraycopy(model.itmLogits(t, f.clsFeats()).toFloatArray(), 0, results[1], c0 * 2, (c1 - c0) * 2);
                    }
                }
            }
        });
        double maxDiff = 0;
        for (int i = 0; i < results[0].length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(results[0][i] - results[1][i]));
        }
        out.printf("ITM 1 image x %d texts (%d per pass): without cache median %.2f s (min %.2f), with uni-modal cache median %.2f s (min %.2f): "
                + "%.2fx faster (median), max |logit diff| %.1e%n", texts, chunk, plain[0], plain[1], cached[0], cached[1], plain[0] / cached[0],
                maxDiff);
        out.println("  load average: " + load());
        out.flush();
    }

    /** @return {median, min} seconds of {@code runs} timed runs after {@code warmup} untimed ones */
    private double[] time(Runnable r) {
        for (int i = 0; i < warmup; i++) {
            r.run();
        }
        List<Double> s = new ArrayList<>();
        for (int i = 0; i < Math.max(1, runs); i++) {
            long t0 = System.nanoTime();
            r.run();
            s.add((System.nanoTime() - t0) / 1e9);
        }
        double[] v = s.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new double[] {v[v.length / 2], v[0]};
    }

    private static String load() {
        double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return String.format(Locale.ROOT, "%.2f", l);
        }
    }
}
