package dev.fiber.tasks.train;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link Trainer} runs a fine-tuning job; the PyTorch Lightning {@code Trainer} arguments FIBER's
 * {@code run.py} passes, plus a few of this port's own.
 *
 * @param maxEpochs             epochs ({@code max_epoch}); training also stops at {@code maxSteps}
 * @param maxSteps              optimizer steps ({@code max_steps}), or {@code null} for
 *                              {@code batches_per_epoch * max_epochs // accumulate} (FIBER's fine-tuning configs)
 * @param accumulateGradBatches micro-batches per optimizer step ({@code batch_size / per_gpu_batchsize}); each
 *                              micro-batch loss is divided by it, as Lightning does
 * @param gradientClipNorm      clip the global gradient L2 norm to this value ({@code gradient_clip_val}); 0 = off
 *                              (FIBER's default)
 * @param seed                  seed of the data order, augmentation, dropout and ITC negative sampling
 * @param evalEverySteps        also evaluate every this many optimizer steps (0 = only at the end of each epoch)
 * @param saveEverySteps        also save a checkpoint every this many optimizer steps (0 = only at the end of each
 *                              epoch and of training)
 * @param outputDir             where checkpoints go ({@code null} = never save)
 * @param timeLimit             stop (and save) after this much wall time ({@code null} = none)
 * @param optim                 optimiser and schedule settings
 */
public record TrainerConfig(int maxEpochs, Long maxSteps, int accumulateGradBatches, double gradientClipNorm, long seed,
        long evalEverySteps, long saveEverySteps, Path outputDir, Duration timeLimit, OptimConfig optim) {

    /** Validates. */
    public TrainerConfig {
        Objects.requireNonNull(optim, "optim");
        if (maxEpochs < 1) {
            throw new IllegalArgumentException("max_epoch must be >= 1, got " + maxEpochs);
        }
        if (maxSteps != null && maxSteps < 1) {
            throw new IllegalArgumentException("max_steps must be >= 1 (or absent), got " + maxSteps);
        }
        if (accumulateGradBatches < 1) {
            throw new IllegalArgumentException("gradient accumulation must be >= 1, got " + accumulateGradBatches);
        }
        if (!(gradientClipNorm >= 0)) {
            throw new IllegalArgumentException("gradient clip norm must be >= 0, got " + gradientClipNorm);
        }
        if (evalEverySteps < 0 || saveEverySteps < 0) {
            throw new IllegalArgumentException("eval/save intervals must be >= 0");
        }
        if (timeLimit != null && (timeLimit.isNegative() || timeLimit.isZero())) {
            throw new IllegalArgumentException("time limit must be positive, got " + timeLimit);
        }
    }
}
