package dev.fiber.examples.cli;

import dev.fiber.core.util.ProgressBar;
import dev.fiber.tasks.finetune.FinetuneConfig;
import dev.fiber.tasks.finetune.FinetuneRunner;
import dev.fiber.tasks.train.EvalRecord;
import dev.fiber.tasks.train.TrainingResult;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fiber finetune vqa|nlvr2|retrieval|caption --config FILE}: fine-tunes a pre-trained FIBER
 * checkpoint ({@link FinetuneRunner}); the JSON configuration is documented in docs/FINETUNING.md.
 */
@Command(
        name = "finetune",
        mixinStandardHelpOptions = true,
        description = {
            "Fine-tune a pre-trained FIBER checkpoint on VQAv2, NLVR2, COCO/Flickr30k retrieval or captioning,",
            "as the official task_finetune_* configurations do (objectives, AdamW with FIBER's parameter groups,",
            "warmup + decay, gradient accumulation, evaluation every epoch, checkpoints with resume).",
            "Re-running with the same output_dir resumes from OUTPUT/last. See docs/FINETUNING.md."
        })
public final class FinetuneCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TASK", description = "vqa, nlvr2, retrieval or caption")
    String task;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "JSON configuration (docs/FINETUNING.md)")
    Path config;

    @Option(names = "--threads", defaultValue = "0",
            description = "libtorch CPU threads (0 = all cores; 1 is fastest on a CPU shared with other jobs)")
    int threads;

    @Option(names = "--progress", defaultValue = "AUTO", description = "progress display: AUTO, TTY, LINES or OFF")
    ProgressBar.Mode progress;

    @Override
    public Integer call() throws Exception {
        if (!FinetuneConfig.TASKS.contains(task)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "TASK must be one of " + FinetuneConfig.TASKS + ", got '" + task + "'");
        }
        if (!Files.isRegularFile(config)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no configuration file at " + config);
        }
        FinetuneConfig c;
        try {
            c = FinetuneConfig.read(config, task);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), config + ": " + e.getMessage());
        }
        TorchThreads.configure(threads);
        TrainingResult r = FinetuneRunner.run(c, System.err, progress);
        PrintWriter o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "%s: %d optimizer steps, %d samples, %.1f min (stopped by %s)%n", task, r.steps(), r.samples(), r.seconds() / 60,
                r.stoppedBy());
        for (EvalRecord e : r.history()) {
            o.printf(Locale.ROOT, "  step %6d  epoch %2d  %s%n", e.step(), e.epoch(), e.metrics());
        }
        o.flush();
        return 0;
    }
}
