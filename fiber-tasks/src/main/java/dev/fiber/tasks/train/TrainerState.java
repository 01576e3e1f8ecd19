package dev.fiber.tasks.train;

import java.util.List;

/**
 * Where a training run stands, saved with every checkpoint ({@code trainer.json}) so that it can resume
 * exactly: the next micro-batch is batch {@code batchInEpoch} of epoch {@code epoch} (the data order and
 * augmentation of an epoch are a function of the seed, so the batches already done are skipped).
 *
 * @param step         optimizer steps done ({@code global_step})
 * @param epoch        current epoch (0-based)
 * @param batchInEpoch micro-batches of that epoch already consumed
 * @param samples      training samples seen
 * @param seconds      wall-clock training time so far
 * @param seed         the run's seed
 * @param task         the task name (e.g. {@code vqa})
 * @param history      the evaluations so far
 */
public record TrainerState(long step, int epoch, int batchInEpoch, long samples, double seconds, long seed, String task,
        List<EvalRecord> history) {

    /** Copies the history. */
    public TrainerState {
        history = List.copyOf(history);
    }
}
