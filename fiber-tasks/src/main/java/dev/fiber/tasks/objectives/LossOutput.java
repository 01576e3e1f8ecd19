package dev.fiber.tasks.objectives;

import ai.djl.ndarray.NDArray;

/**
 * What one FIBER objective returns (the {@code ret} dict of the official {@code compute_*} functions,
 * reduced to what training and metrics use).
 *
 * @param loss   the 0-d differentiable loss ({@code <task>_loss})
 * @param logits the head's logits ({@code <task>_logits}), differentiable
 * @param labels the targets the loss used: class ids (with -100 for ignored positions) or, for VQA, the
 *               dense soft scores ({@code <task>_labels} / {@code vqa_targets})
 */
public record LossOutput(NDArray loss, NDArray logits, NDArray labels) {}
