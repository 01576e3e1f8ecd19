package dev.fiber.examples.cli;

import dev.fiber.core.text.FiberTokenizer;
import dev.fiber.core.util.ProgressBar;
import dev.fiber.tasks.finetune.ShapesTraining;
import dev.fiber.tasks.finetune.ShapesTrainingConfig;
import dev.fiber.tasks.train.Dropouts;
import dev.fiber.tasks.train.EvalRecord;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fiber shapes-train}: the fine-tuning proof and benchmark ({@link ShapesTraining}): trains a small
 * FIBER from scratch on freshly generated shapes questions for a wall-time budget and reports the
 * held-out accuracy over time.
 */
@Command(
        name = "shapes-train",
        mixinStandardHelpOptions = true,
        description = {
            "Train a small FIBER (Swin depths 2-2-18-2, 12 text layers, 6 fused; small widths) from scratch on the",
            "procedural shapes VQA data with the full training stack, and report held-out accuracy over time.",
            "Writes the learning curve (--curve) and the trained model (--export: model.safetensors, config.json,",
            "answers.txt). The defaults are the run recorded in docs/PERFORMANCE.md (\"Fine-tuning proof\")."
        })
public final class ShapesTrainCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--minutes", defaultValue = "15", description = "training wall-time budget (default ${DEFAULT-VALUE})")
    double minutes;

    @Option(names = "--steps", description = "optimizer steps of the lr schedule (default: the proof's)")
    Long steps;

    @Option(names = "--batch", description = "batch size")
    Integer batch;

    @Option(names = "--lr", description = "base learning rate")
    Double lr;

    @Option(names = "--image-size", description = "model resolution (multiple of 32)")
    Integer imageSize;

    @Option(names = "--embed-dim", description = "Swin embedding width")
    Integer embedDim;

    @Option(names = "--text-hidden", description = "RoBERTa width")
    Integer textHidden;

    @Option(names = "--hidden", description = "cross-modal width (hidden_size)")
    Integer hidden;

    @Option(names = "--questions-per-image", paramLabel = "K", description = "questions asked about each image in a batch; "
            + "the image bottom runs once per image (--batch must be a multiple)")
    Integer questionsPerImage;

    @Option(names = "--init-gain", description = "0 = official initialisation N(0, 0.02); > 0 = N(0, gain^2/fan_in) for weight matrices")
    Double initGain;

    @Option(names = "--clip", description = "gradient norm clipping (0 = off)")
    Double clip;

    @Option(names = "--seed", description = "initialisation / order seed")
    Long seed;

    @Option(names = "--gate-init", description = "initial fusion gates alpha_i2t/alpha_t2i (official 0; default 1 from scratch)")
    Double gate;

    @Option(names = "--eval-count", description = "held-out examples")
    Integer evalCount;

    @Option(names = "--eval-every", description = "evaluate every N steps")
    Long evalEvery;

    @Option(names = "--threads", defaultValue = "1", description = "libtorch intra-op threads per micro-batch (default ${DEFAULT-VALUE}; "
            + "see docs/PERFORMANCE.md)")
    int threads;

    @Option(names = "--micro-batch-threads", paramLabel = "N", description = "split each batch into N micro-batches computed at once on N "
            + "threads (same gradients; default: the proof's, 2 = one per core of the proof machine)")
    Integer microBatchThreads;

    @Option(names = "--output", paramLabel = "DIR", description = "checkpoint directory (resumes from DIR/last)")
    Path output;

    @Option(names = "--export", paramLabel = "DIR", description = "write the trained model there")
    Path export;

    @Option(names = "--curve", paramLabel = "FILE", description = "write the learning curve as CSV")
    Path curve;

    @Option(names = "--progress", defaultValue = "AUTO", description = "progress display: AUTO, TTY, LINES or OFF")
    ProgressBar.Mode progress;

    @Override
    public Integer call() throws Exception {
        ShapesTrainingConfig d = ShapesTrainingConfig.defaults();
        if (!(minutes > 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--minutes must be > 0");
        }
        ShapesTrainingConfig c;
        try {
            c = new ShapesTrainingConfig(pick(imageSize, d.imageSize()), d.maxTextLen(), pick(embedDim, d.embedDim()),
                    pick(textHidden, d.textHidden()), pick(hidden, d.hiddenSize()), pick(batch, d.batchSize()), lr == null ? d.learningRate() : lr,
                    d.warmupFraction(), steps == null ? d.maxSteps() : steps, Duration.ofMillis((long) (minutes * 60_000)), d.trainSeed(),
                    d.evalSeed(), pick(evalCount, d.evalCount()), evalEvery == null ? d.evalEverySteps() : evalEvery, d.workers(),
                    seed == null ? d.seed() : seed, Dropouts.NONE, gate == null ? d.fusionGateInit() : gate, output, d.shapes(),
                    pick(questionsPerImage, d.questionsPerImage()), initGain == null ? d.initGain() : initGain, clip == null ? d.gradientClip() : clip,
                    d.lrMultHead(), d.lrMultCrossModal(), pick(microBatchThreads, d.microBatchThreads()));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        TorchThreads.configure(threads);
        PrintWriter o = spec.commandLine().getOut();
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        o.printf(Locale.ROOT, "shapes-train: %s, %d cores, load average %.2f, %d micro-batch thread(s) x %d libtorch thread(s), start %s%n",
                System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(), loadBefore, c.microBatchThreads(), threads, Instant.now());
        o.printf(Locale.ROOT, "model %s%n", ShapesTraining.modelConfig(c).toJson().replaceAll("\\s+", " "));
        o.flush();
        List<EvalRecord> records = new ArrayList<>();
        ShapesTraining.Outcome out = ShapesTraining.train(c, FiberTokenizer.roberta(), System.err, progress, records::add);
        try {
            double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            o.printf(Locale.ROOT, "%n%8s %8s %9s %10s %9s %8s %8s %8s %8s%n", "minutes", "step", "samples", "train_loss", "accuracy", "color",
                    "shape", "count", "exists");
            StringBuilder csv = new StringBuilder("seconds,step,samples,train_loss,accuracy,accuracy_color,accuracy_shape,accuracy_count,"
                    + "accuracy_exists\n");
            for (EvalRecord r : out.result().history()) {
                var m = r.metrics();
                o.printf(Locale.ROOT, "%8.2f %8d %9d %10.4f %9.4f %8.4f %8.4f %8.4f %8.4f%n", r.seconds() / 60, r.step(), r.samples(), r.trainLoss(),
                        m.get("accuracy"), m.get("accuracy_color"), m.get("accuracy_shape"), m.get("accuracy_count"), m.get("accuracy_exists"));
                csv.append(String.format(Locale.ROOT, "%.1f,%d,%d,%.5f,%.4f,%.4f,%.4f,%.4f,%.4f%n", r.seconds(), r.step(), r.samples(), r.trainLoss(),
                        m.get("accuracy"), m.get("accuracy_color"), m.get("accuracy_shape"), m.get("accuracy_count"), m.get("accuracy_exists")));
            }
            o.printf(Locale.ROOT, "%d steps, %d samples in %.1f min (%.0f samples/s), stopped by %s; load average at the end %.2f%n",
                    out.result().steps(), out.result().samples(), out.result().seconds() / 60, out.result().samples() / out.result().seconds(),
                    out.result().stoppedBy(), loadAfter);
            if (curve != null) {
                Files.writeString(curve, csv.toString(), StandardCharsets.UTF_8);
                o.println("learning curve written to " + curve);
            }
            if (export != null) {
                ShapesTraining.export(out.model(), export, c.shapes());
                o.println("model written to " + export);
            }
            o.flush();
        } finally {
            out.model().close();
        }
        return 0;
    }

    private static int pick(Integer v, int def) {
        return v == null ? def : v;
    }
}
