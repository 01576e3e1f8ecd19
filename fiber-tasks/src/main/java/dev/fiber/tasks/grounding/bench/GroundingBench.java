package dev.fiber.tasks.grounding.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.fiber.core.util.OpTimes;
import dev.fiber.tasks.grounding.FiberGroundingModel;
import dev.fiber.tasks.grounding.GroundingConfig;
import dev.fiber.tasks.grounding.GroundingSpec;
import dev.fiber.tasks.grounding.backbone.SwinSpec;
import dev.fiber.tasks.grounding.head.HeadSpec;
import dev.fiber.tasks.grounding.nn.LoadReport;
import dev.fiber.tasks.grounding.nn.StateDictLoader;
import dev.fiber.tasks.grounding.post.AtssPostProcessor;
import dev.fiber.tasks.grounding.post.LabelTokens;
import dev.fiber.tasks.grounding.text.TextSpec;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Latency benchmark of the fine-grained FIBER model at FIBER-B size on one image with a short caption,
 * with synthetic weights ({@link SyntheticWeights}) so that no checkpoint is needed: warm-up passes, then
 * timed passes of {@link FiberGroundingModel#predict} (backbone, head and post-processing), with a
 * per-stage breakdown ({@link StageClock}), the inside of the deformable convolutions ({@link OpTimes}),
 * the multiply-add count ({@link FlopCount}), the process CPU time and the peak resident memory.
 *
 * <p>The input is Gaussian noise of the padded size of an {@code height x width} image (the size
 * divisibility is 32) and the 10-token caption "a red cat. a blue dog." padded to {@code MAX_QUERY_LEN}.
 */
public final class GroundingBench {

    private static final long[] CAPTION_IDS = {0, 10, 1275, 4758, 4, 10, 2440, 2335, 4, 2};

    private GroundingBench() {}

    /**
     * The structure of the released FIBER-B fine-grained model (Swin-B 128/4/(2,2,18,2)/(4,8,16,32)/12 with
     * fusion in stage-3 blocks 14-17 and both stage-4 blocks, RoBERTa-base, FPN 256 on stages 2-4,
     * VLDyHead 256 with 6 DyConv layers, 255 label columns).
     *
     * @return the structure
     */
    public static GroundingSpec fiberBSpec() {
        long[][] textDims = {new long[2], new long[2], new long[18], {768, 768}};
        for (int b = 14; b < 18; b++) {
            textDims[2][b] = 768;
        }
        SwinSpec swin = new SwinSpec(128, 4, new int[] {2, 2, 18, 2}, new int[] {4, 8, 16, 32}, 12,
                new long[] {512, 1024, 2048, 4096}, textDims, new boolean[] {false, true, true, true}, false);
        TextSpec text = new TextSpec(50265, 514, 1, 768, 3072, 12, 12, 1, 1e-5f);
        long[] imageWidths = {0, 0, 0, 0, 0, 0, 512, 512, 512, 512, 1024, 1024};
        HeadSpec head = new HeadSpec(256, 256, 6, 64, 16, 255, 768, 5);
        return new GroundingSpec(swin, 2, new long[] {256, 512, 1024}, 256, text, imageWidths, head, 1);
    }

    /**
     * What to run.
     *
     * @param height image height (FIBER-B test size: 800)
     * @param width image width (1333)
     * @param warmup untimed passes first
     * @param runs timed passes
     * @param torchProfile if not {@code null}, libtorch's profiler records the last timed pass and writes its
     *     Chrome trace (op names, shapes, durations) to this file
     */
    public record Options(int height, int width, int warmup, int runs, Path torchProfile) {
        /** Checks the values. */
        public Options {
            if (height <= 0 || width <= 0 || warmup < 0 || runs <= 0) {
                throw new IllegalArgumentException("bench needs a positive image size and at least one timed run");
            }
        }
    }

    /**
     * Result of a benchmark.
     *
     * @param options what was run
     * @param paddedH padded input height
     * @param paddedW padded input width
     * @param loadSeconds time to build and load the synthetic weights
     * @param wallMs wall time per timed pass
     * @param cpuMs process CPU time per timed pass (all threads)
     * @param stageMs per stage, the median over the timed passes
     * @param stageMacs per stage, multiply-adds
     * @param opMs per {@link OpTimes} counter, milliseconds per pass (mean)
     * @param gemmGflops a reference 4200x512x2048 matrix product measured just before, GFLOP/s
     * @param peakRssKb {@code VmHWM} at the end (kB), -1 if unknown
     * @param loadAvg {@code /proc/loadavg} before and after the timed passes
     * @param detections final detections of the last pass
     */
    public record Report(Options options, int paddedH, int paddedW, double loadSeconds, double[] wallMs,
            double[] cpuMs, Map<String, Double> stageMs, Map<String, Double> stageMacs, Map<String, Double> opMs,
            double gemmGflops, long peakRssKb, List<String> loadAvg, int detections) {

        /** @return median wall time of the timed passes, ms */
        public double medianMs() {
            return median(wallMs);
        }

        /** @return total multiply-adds of one pass */
        public double totalMacs() {
            return stageMacs.values().stream().mapToDouble(Double::doubleValue).sum();
        }

        /**
         * Writes the report as text tables.
         *
         * @param out destination
         */
        public void print(PrintStream out) {
            double total = totalMacs();
            out.printf(Locale.ROOT, "FIBER-B grounding, %dx%d image (padded %dx%d), caption of %d tokens padded to 256%n",
                    options.height(), options.width(), paddedH, paddedW, CAPTION_IDS.length);
            out.printf(Locale.ROOT, "load average before/after: %s | %s%n", loadAvg.get(0), loadAvg.get(1));
            out.printf(Locale.ROOT, "reference GEMM 4200x512x2048 just before: %.1f GFLOP/s%n", gemmGflops);
            out.printf(Locale.ROOT, "weights: %.1f s to build and load%n", loadSeconds);
            out.printf(Locale.ROOT, "timed passes (ms): %s; CPU ms: %s%n", fmt(wallMs), fmt(cpuMs));
            double med = medianMs();
            out.printf(Locale.ROOT, "latency: median %.0f ms, min %.0f ms over %d passes after %d warm-up; CPU/wall %.2f%n",
                    med, Arrays.stream(wallMs).min().orElse(0), wallMs.length, options.warmup(),
                    median(cpuMs) / med);
            out.printf(Locale.ROOT, "work: %.1f GMAC = %.0f GFLOP; achieved %.1f GFLOP/s (median pass)%n",
                    total / 1e9, 2 * total / 1e9, 2 * total / med / 1e6);
            out.printf(Locale.ROOT, "peak RSS (VmHWM): %s; detections: %d%n",
                    peakRssKb < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f GB", peakRssKb / 1048576.0), detections);
            out.println();
            out.println("| stage | median ms | share | GFLOP | GFLOP/s |");
            out.println("| --- | ---: | ---: | ---: | ---: |");
            double sum = stageMs.values().stream().mapToDouble(Double::doubleValue).sum();
            Map<String, double[]> grouped = group(stageMs, stageMacs);
            for (Map.Entry<String, double[]> e : grouped.entrySet()) {
                double ms = e.getValue()[0];
                double macs = e.getValue()[1];
                out.printf(Locale.ROOT, "| %s | %.0f | %.1f%% | %s | %s |%n", e.getKey(), ms, 100 * ms / sum,
                        macs > 0 ? String.format(Locale.ROOT, "%.1f", 2 * macs / 1e9) : "-",
                        macs > 0 && ms > 0 ? String.format(Locale.ROOT, "%.0f", 2 * macs / ms / 1e6) : "-");
            }
            out.println();
            out.println("DyConv per level (median ms):");
            StringBuilder hdr = new StringBuilder("| layer |");
            int levels = 0;
            while (stageMs.containsKey(StageClock.dyConv(0, levels))) {
                hdr.append(" P").append(levels + 3).append(" |");
                levels++;
            }
            out.println(hdr);
            out.println("| --- |" + " ---: |".repeat(levels));
            for (int i = 0; stageMs.containsKey(StageClock.dyConv(i, 0)); i++) {
                StringBuilder row = new StringBuilder("| DyConv " + i + " |");
                for (int l = 0; l < levels; l++) {
                    row.append(String.format(Locale.ROOT, " %.0f |", stageMs.get(StageClock.dyConv(i, l))));
                }
                out.println(row);
            }
            if (!opMs.isEmpty()) {
                out.println();
                out.println("inside ops (ms per pass): " + fmtMap(opMs));
            }
        }

        private static Map<String, double[]> group(Map<String, Double> ms, Map<String, Double> macs) {
            Map<String, double[]> g = new LinkedHashMap<>();
            for (Map.Entry<String, Double> e : ms.entrySet()) {
                String k = e.getKey().startsWith("DyConv ") ? e.getKey().substring(0, e.getKey().lastIndexOf(' '))
                        : e.getKey();
                double[] v = g.computeIfAbsent(k, x -> new double[2]);
                v[0] += e.getValue();
                v[1] += macs.getOrDefault(e.getKey(), 0.0);
            }
            return g;
        }
    }

    /**
     * Builds FIBER-B with synthetic weights and times it.
     *
     * @param options sizes and repetitions
     * @param log progress lines (may be {@code null})
     * @return the measurements
     * @throws IOException if the synthetic weights cannot be loaded (not expected)
     */
    public static Report run(Options options, PrintStream log) throws IOException {
        GroundingSpec spec = fiberBSpec();
        GroundingConfig config = GroundingConfig.fiberB();
        int div = config.sizeDivisibility();
        int ph = (options.height() + div - 1) / div * div;
        int pw = (options.width() + div - 1) / div * div;
        FiberGroundingModel model = new FiberGroundingModel(spec, config);
        try (NDManager m = NDManager.newBaseManager();
                SyntheticWeights w = new SyntheticWeights(model, spec.swin().window())) {
            long t0 = System.nanoTime();
            LoadReport r = StateDictLoader.load(model, w, m);
            if (!r.complete()) {
                throw new IllegalStateException("synthetic weights do not cover the model: " + r);
            }
            double loadSeconds = (System.nanoTime() - t0) / 1e9;
            float[] px = new float[3 * ph * pw];
            Random rnd = new Random(1);
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < options.height(); y++) {
                    for (int x = 0; x < options.width(); x++) {
                        px[(c * ph + y) * pw + x] = (float) rnd.nextGaussian();
                    }
                }
            }
            int textLength = config.maxQueryLength();
            long[] ids = new long[textLength];
            long[] mask = new long[textLength];
            Arrays.fill(ids, 1);
            System.arraycopy(CAPTION_IDS, 0, ids, 0, CAPTION_IDS.length);
            Arrays.fill(mask, 0, CAPTION_IDS.length, 1);
            LabelTokens map = LabelTokens.of(List.of(1L, 2L), List.of(new int[] {1, 2, 3}, new int[] {5, 6, 7}));

            double[] wall = new double[options.runs()];
            double[] cpu = new double[options.runs()];
            List<Map<String, Double>> stages = new ArrayList<>();
            Map<String, Double> ops = new LinkedHashMap<>();
            List<String> load = new ArrayList<>();
            int detections = 0;
            double gemm = 0;
            for (int run = -options.warmup(); run < options.runs(); run++) {
                if (run == 0) {
                    gemm = gemmGflops(m);
                    load.add(loadAverage());
                    OpTimes.drain();
                    OpTimes.enable(true);
                }
                try (NDManager sub = m.newSubManager()) {
                    NDArray pixels = sub.create(px, new Shape(1, 3, ph, pw));
                    NDArray idArr = sub.create(ids, new Shape(1, textLength));
                    NDArray maskArr = sub.create(mask, new Shape(1, textLength));
                    StageClock clock = new StageClock(spec);
                    boolean profile = options.torchProfile() != null && run == options.runs() - 1;
                    if (profile) {
                        JniUtils.startProfile(false, true, false);
                    }
                    long cpu0 = processCpuNanos();
                    long start = System.nanoTime();
                    clock.restart();
                    AtssPostProcessor.Result res = model.predict(pixels, idArr, maskArr, options.height(),
                            options.width(), map, clock);
                    clock.finish();
                    double ms = (System.nanoTime() - start) / 1e6;
                    double cms = (processCpuNanos() - cpu0) / 1e6;
                    if (profile) {
                        JniUtils.stopProfile(options.torchProfile().toString());
                    }
                    detections = res.detections().size();
                    if (log != null) {
                        log.printf(Locale.ROOT, "%s %d: %.0f ms (CPU %.0f ms)%n", run < 0 ? "warm-up" : "run",
                                run < 0 ? run + options.warmup() + 1 : run + 1, ms, cms);
                    }
                    if (run >= 0) {
                        wall[run] = ms;
                        cpu[run] = cms;
                        stages.add(clock.millis());
                    }
                }
            }
            OpTimes.enable(false);
            load.add(loadAverage());
            for (Map.Entry<String, OpTimes.Entry> e : OpTimes.drain().entrySet()) {
                ops.put(e.getKey(), e.getValue().millis() / options.runs());
            }
            Map<String, Double> stageMedian = new LinkedHashMap<>();
            for (String k : stages.get(0).keySet()) {
                stageMedian.put(k, median(stages.stream().mapToDouble(s -> s.getOrDefault(k, 0.0)).toArray()));
            }
            return new Report(options, ph, pw, loadSeconds, wall, cpu, stageMedian,
                    FlopCount.macs(spec, ph, pw, textLength), ops, gemm, peakRssKb(), load, detections);
        }
    }

    /** A 4200x512 by 512x2048 product (a stage-3 MLP layer), median of 5 after one warm-up, in GFLOP/s. */
    static double gemmGflops(NDManager m) {
        try (NDManager sub = m.newSubManager()) {
            NDArray a = sub.randomNormal(new Shape(4200, 512));
            NDArray b = sub.randomNormal(new Shape(512, 2048));
            a.matMul(b).close();
            double[] t = new double[5];
            for (int i = 0; i < t.length; i++) {
                long s = System.nanoTime();
                a.matMul(b).close();
                t[i] = (System.nanoTime() - s) / 1e9;
            }
            return 2.0 * 4200 * 512 * 2048 / median(t) / 1e9;
        }
    }

    /** @return CPU time of the whole process (all threads, native included), ns */
    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    /** @return {@code VmHWM} of this process in kB, or -1 where {@code /proc} is unavailable */
    public static long peakRssKb() {
        return procStatusKb("VmHWM:");
    }

    /**
     * @param field a {@code /proc/self/status} field such as {@code VmRSS:}
     * @return its value in kB, or -1
     */
    static long procStatusKb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** @return the first three fields of {@code /proc/loadavg}, or "unknown" */
    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static String fmt(double[] v) {
        StringBuilder b = new StringBuilder();
        for (double x : v) {
            b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f", x));
        }
        return b.toString();
    }

    private static String fmtMap(Map<String, Double> m) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Double> e : m.entrySet()) {
            b.append(b.length() == 0 ? "" : ", ").append(e.getKey())
                    .append(String.format(Locale.ROOT, " %.0f", e.getValue()));
        }
        return b.toString();
    }
}
