package dev.fiber.tasks.train;

import dev.fiber.core.model.FiberModel;
import dev.fiber.core.model.ForwardContext;
import dev.fiber.core.util.ProgressBar;
import dev.fiber.tasks.data.BatchIterator;
import dev.fiber.tasks.data.DataLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * The fine-tuning loop, mirroring what PyTorch Lightning does with FIBER's {@code training_step} and
 * {@code configure_optimizers}:
 * <ul>
 *   <li>per micro-batch: forward in training mode (dropout, drop-path), loss divided by the accumulation
 *       factor, backward (gradients add up across micro-batches); optionally several micro-batches at once
 *       on separate threads ({@link #microBatchThreads});</li>
 *   <li>every {@code accumulate} micro-batches (and at the end of an epoch): optional global-norm gradient
 *       clipping, one {@link FiberOptimizer} step (AdamW, six groups, lr schedule), gradients zeroed;</li>
 *   <li>evaluation at the end of every epoch (and every {@code evalEverySteps}), checkpoint
 *       ({@link TrainingCheckpoint}) at the end of every epoch, every {@code saveEverySteps} and at the end;</li>
 *   <li>stop at {@code max_steps}, {@code max_epoch} or the wall-time limit.</li>
 * </ul>
 * Reproducible: the data order and augmentation come from the loader's seed, dropout from
 * {@code Engine.setRandomSeed(seed, step, micro-batch)}; resuming from {@code OUTPUT/last} restores
 * weights, Adam state, step, epoch and the position in the epoch (the batches already consumed are
 * skipped), so an interrupted run continues as if it had not stopped.
 *
 * @param <B> batch type
 */
public final class Trainer<B> {

    /** Name of the checkpoint directory under the output directory. */
    public static final String LAST = "last";

    private final FiberModel model;
    private final TrainerConfig config;
    private final DataLoader<?, B> loader;
    private final ToIntFunction<B> batchSize;
    private final TrainingStep<B> step;
    private final Evaluator evaluator;
    private final String task;
    private final List<Consumer<EvalRecord>> listeners = new ArrayList<>();
    private TrainingCheckpoint.Extra checkpointExtra;
    private ResumeHook resumeHook;
    private ProgressBar.Mode progressMode = ProgressBar.Mode.AUTO;
    private PrintStream log = System.err;
    private long[] timing = new long[3]; // nanoseconds waiting for data, in forward+backward, in the optimizer
    private int microBatchThreads = 1;

    /** Restores task state (e.g. the ITC queue) from a checkpoint directory when resuming. */
    @FunctionalInterface
    public interface ResumeHook {
        /**
         * @param dir the checkpoint directory
         * @throws IOException if the state cannot be read
         */
        void restore(Path dir) throws IOException;
    }

    /**
     * @param model     the model (float32, gradients enabled with {@link Gradients#enable})
     * @param config    loop settings
     * @param loader    training batches (its seed fixes the data order and augmentation)
     * @param batchSize number of samples of a batch
     * @param step      the loss of a batch
     * @param evaluator validation metrics, or {@code null} for none
     * @param task      task name recorded in checkpoints
     */
    public Trainer(FiberModel model, TrainerConfig config, DataLoader<?, B> loader, ToIntFunction<B> batchSize, TrainingStep<B> step,
            Evaluator evaluator, String task) {
        this.model = Objects.requireNonNull(model, "model");
        this.config = Objects.requireNonNull(config, "config");
        this.loader = Objects.requireNonNull(loader, "loader");
        this.batchSize = Objects.requireNonNull(batchSize, "batchSize");
        this.step = Objects.requireNonNull(step, "step");
        this.evaluator = evaluator;
        this.task = task == null ? "" : task;
        if (loader.batchesPerEpoch() < 1) {
            throw new IllegalArgumentException("the training data yields no batch (" + loader.source().size() + " samples, batch "
                    + loader.config().batchSize() + ")");
        }
    }

    /**
     * @param listener called after every evaluation (e.g. to record a learning curve)
     * @return this
     */
    public Trainer<B> onEvaluation(Consumer<EvalRecord> listener) {
        listeners.add(Objects.requireNonNull(listener));
        return this;
    }

    /**
     * @param extra    writes task state into every checkpoint
     * @param hook     reads it back when resuming
     * @return this
     */
    public Trainer<B> taskState(TrainingCheckpoint.Extra extra, ResumeHook hook) {
        this.checkpointExtra = extra;
        this.resumeHook = hook;
        return this;
    }

    /**
     * @param mode progress display mode ({@link ProgressBar.Mode#OFF} in tests)
     * @return this
     */
    public Trainer<B> progress(ProgressBar.Mode mode) {
        this.progressMode = Objects.requireNonNull(mode);
        return this;
    }

    /**
     * @param out where evaluation lines are printed (default stderr)
     * @return this
     */
    public Trainer<B> log(PrintStream out) {
        this.log = Objects.requireNonNull(out);
        return this;
    }

    /**
     * Computes up to {@code threads} micro-batches of an optimizer step at once, on that many Java threads
     * (with {@code accumulateGradBatches} &ge; 2; default 1 = one after the other). For small models on a
     * multi-core CPU, where one libtorch thread per micro-batch uses the cores better than intra-op threads;
     * with two micro-batches per step the gradients are the same bit for bit ({@code MicroBatchRunner}).
     *
     * @param threads micro-batches computed at once, &ge; 1
     * @return this
     */
    public Trainer<B> microBatchThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("micro-batch threads must be >= 1, got " + threads);
        }
        this.microBatchThreads = threads;
        return this;
    }

    /** @return the total number of optimizer steps this run is scheduled for */
    public long scheduledSteps() {
        return FiberSchedule.maxSteps(config.maxSteps(), loader.batchesPerEpoch(), config.maxEpochs(), config.accumulateGradBatches());
    }

    /**
     * Trains (resuming from {@code outputDir/last} when it holds a checkpoint).
     *
     * @return steps, samples, time and the evaluation history
     * @throws Exception if data loading, evaluation or checkpointing fails, or the loss becomes non-finite
     */
    public TrainingResult run() throws Exception {
        long maxSteps = scheduledSteps();
        if (maxSteps < 1) {
            throw new IllegalArgumentException("nothing to train: " + maxSteps + " optimizer steps scheduled");
        }
        LrSchedule schedule = FiberSchedule.create(config.optim(), maxSteps);
        FiberOptimizer optimizer = new FiberOptimizer(model, config.optim(), schedule, AdamW.Hyper.FIBER);
        Path lastDir = config.outputDir() == null ? null : config.outputDir().resolve(LAST);

        long globalStep = 0;
        int startEpoch = 0;
        int skip = 0;
        long samples = 0;
        double secondsBefore = 0;
        List<EvalRecord> history = new ArrayList<>();
        Path resumeFrom = lastDir == null ? null : TrainingCheckpoint.resolve(lastDir);
        if (resumeFrom != null) {
            TrainerState s = TrainingCheckpoint.restore(resumeFrom, model, optimizer);
            if (s.seed() != config.seed()) {
                throw new IOException(resumeFrom + " was trained with seed " + s.seed() + ", this run has seed " + config.seed()
                        + " (use another output directory or the same seed)");
            }
            if (resumeHook != null) {
                resumeHook.restore(resumeFrom);
            }
            globalStep = s.step();
            startEpoch = s.epoch();
            skip = s.batchInEpoch();
            samples = s.samples();
            secondsBefore = s.seconds();
            history.addAll(s.history());
            log.printf(Locale.ROOT, "resuming %s from %s: step %d, epoch %d, batch %d%n", task, resumeFrom, globalStep, startEpoch, skip);
        }

        int accumulate = config.accumulateGradBatches();
        long totalSamples = Math.min(maxSteps * accumulate, (long) config.maxEpochs() * loader.batchesPerEpoch())
                * loader.config().batchSize();
        long startNanos = System.nanoTime();
        double evalSeconds = 0;
        double lossSum = 0;
        long lossCount = 0;
        String stoppedBy = "max_epoch";
        long[] doneAt = {-1, -1}; // optimizer step of the last evaluation / checkpoint
        timing = new long[3];
        ForwardContext ctx = new ForwardContext(null, true);
        try (ProgressBar bar = ProgressBar.builder(task.isEmpty() ? "train" : task).total(totalSamples).initial(samples)
                .itemName("samples").mode(progressMode).build();
                MicroBatchRunner<B> runner = new MicroBatchRunner<>(model, step, ctx, microBatchThreads)) {
            List<B> pending = new ArrayList<>();
            outer:
            for (int epoch = startEpoch; epoch < config.maxEpochs(); epoch++) {
                int batches = loader.batchesPerEpoch();
                int micro = 0;
                try (BatchIterator<B> it = loader.epoch(epoch)) {
                    while (true) {
                        long tWait = System.nanoTime();
                        if (!it.hasNext()) {
                            break;
                        }
                        B batch = it.next();
                        timing[0] += System.nanoTime() - tWait;
                        if (micro < skip) {
                            micro++;
                            continue;
                        }
                        pending.add(batch);
                        micro++;
                        boolean lastOfEpoch = micro == batches;
                        boolean stepNow = micro % accumulate == 0 || lastOfEpoch;
                        if (!stepNow && pending.size() < runner.threads()) {
                            continue;   // gather a wave of micro-batches to compute at once
                        }
                        long tCompute = System.nanoTime();
                        final long stepIndex = globalStep;
                        final int firstMicro = micro - pending.size();
                        final int epochIndex = epoch;
                        float[] losses = runner.run(pending, accumulate, i -> stepSeed(config.seed(), stepIndex, firstMicro + i),
                                i -> "step " + stepIndex + " (epoch " + epochIndex + ", batch " + (firstMicro + i) + ")");
                        timing[1] += System.nanoTime() - tCompute;
                        float lossValue = losses[losses.length - 1];
                        for (int i = 0; i < losses.length; i++) {
                            int n = batchSize.applyAsInt(pending.get(i));
                            samples += n;
                            lossSum += losses[i];
                            lossCount++;
                            bar.add(n);
                        }
                        pending.clear();
                        if (!stepNow) {
                            continue;
                        }
                        long tOpt = System.nanoTime();
                        Map<String, float[]> grads = Gradients.read(model);
                        if (config.gradientClipNorm() > 0) {
                            GradientClipping.clip(grads, config.gradientClipNorm());
                        }
                        double[] lrs = optimizer.step(grads);
                        Gradients.zero(model);
                        timing[2] += System.nanoTime() - tOpt;
                        globalStep++;
                        double trainSeconds = secondsBefore + (System.nanoTime() - startNanos) / 1e9 - evalSeconds;
                        bar.status(String.format(Locale.ROOT, "step %d/%d  epoch %d  loss %.4f  lr %.2e", globalStep, maxSteps, epoch,
                                lossValue, lrs[0]));
                        boolean done = globalStep >= maxSteps;
                        boolean outOfTime = config.timeLimit() != null && trainSeconds >= config.timeLimit().toNanos() / 1e9;
                        boolean evalNow = config.evalEverySteps() > 0 && globalStep % config.evalEverySteps() == 0;
                        if (evalNow || done || outOfTime) {
                            doneAt[0] = globalStep;
                            long t0 = System.nanoTime();
                            evaluate(globalStep, epoch, samples, trainSeconds, lossCount == 0 ? Double.NaN : lossSum / lossCount, history);
                            lossSum = 0;
                            lossCount = 0;
                            evalSeconds += (System.nanoTime() - t0) / 1e9;
                        }
                        boolean saveNow = config.saveEverySteps() > 0 && globalStep % config.saveEverySteps() == 0;
                        if (saveNow || done || outOfTime) {
                            doneAt[1] = globalStep;
                            int nextMicro = lastOfEpoch ? 0 : micro;
                            int nextEpoch = lastOfEpoch ? epoch + 1 : epoch;
                            save(lastDir, optimizer, new TrainerState(globalStep, nextEpoch, nextMicro, samples, trainSeconds, config.seed(),
                                    task, history));
                        }
                        if (done) {
                            stoppedBy = "max_steps";
                            break outer;
                        }
                        if (outOfTime) {
                            stoppedBy = "time_limit";
                            break outer;
                        }
                    }
                }
                skip = 0;
                double trainSeconds = secondsBefore + (System.nanoTime() - startNanos) / 1e9 - evalSeconds;
                if (doneAt[0] != globalStep) {
                    long t0 = System.nanoTime();
                    evaluate(globalStep, epoch, samples, trainSeconds, lossCount == 0 ? Double.NaN : lossSum / lossCount, history);
                    lossSum = 0;
                    lossCount = 0;
                    evalSeconds += (System.nanoTime() - t0) / 1e9;
                }
                if (doneAt[1] != globalStep) {
                    save(lastDir, optimizer, new TrainerState(globalStep, epoch + 1, 0, samples, trainSeconds, config.seed(), task, history));
                }
            }
        }
        double seconds = secondsBefore + (System.nanoTime() - startNanos) / 1e9 - evalSeconds;
        return new TrainingResult(globalStep, samples, seconds, stoppedBy, history);
    }

    private void evaluate(long globalStep, int epoch, long samples, double seconds, double trainLoss, List<EvalRecord> history)
            throws Exception {
        if (evaluator == null) {
            return;
        }
        Map<String, Double> metrics;
        try (NoGrad ng = NoGrad.enter()) {
            metrics = evaluator.evaluate(model);
        }
        EvalRecord r = new EvalRecord(globalStep, epoch, samples, seconds, trainLoss, metrics);
        history.add(r);
        StringBuilder sb = new StringBuilder();
        metrics.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "  %s %.4f", k, v)));
        double tot = Math.max(1, timing[0] + timing[1] + timing[2]);
        log.printf(Locale.ROOT, "%n[%s] step %d epoch %d samples %d time %s train_loss %.4f%s  (time share: data %.0f%%, forward+backward"
                + " %.0f%%, optimizer %.0f%%)%n", task, globalStep, epoch, samples, ProgressBar.formatDuration(seconds), trainLoss, sb,
                100 * timing[0] / tot, 100 * timing[1] / tot, 100 * timing[2] / tot);
        timing = new long[3];
        for (Consumer<EvalRecord> l : listeners) {
            l.accept(r);
        }
    }

    private void save(Path dir, FiberOptimizer optimizer, TrainerState state) throws IOException {
        if (dir == null) {
            return;
        }
        TrainingCheckpoint.saveReplacing(dir, model, optimizer, state, checkpointExtra);
    }

    /**
     * @param seed  run seed
     * @param step  optimizer step
     * @param micro micro-batch within the epoch
     * @return the engine seed for this micro-batch's dropout / drop-path draws
     */
    static int stepSeed(long seed, long step, int micro) {
        long h = seed * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L + micro * 0x94D049BB133111EBL;
        h ^= h >>> 31;
        return (int) (h & 0x7fffffff);
    }
}
