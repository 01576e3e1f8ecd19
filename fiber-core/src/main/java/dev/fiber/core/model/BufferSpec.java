package dev.fiber.core.model;

import ai.djl.ndarray.types.Shape;
import java.util.function.Supplier;

/**
 * A non-learnable state-dict entry (PyTorch buffer) that this port recomputes instead of loading:
 * Swin's {@code relative_position_index} and shifted-window {@code attn_mask}, RoBERTa's
 * {@code position_ids}. When a checkpoint contains it, the loader checks that the stored values
 * equal the recomputed ones (anything else means a different architecture).
 *
 * @param shape the shape the official module registers
 * @param integer whether the buffer is int64 (else float32)
 * @param values supplier of the expected values in C order ({@code long[]} or {@code float[]})
 */
public record BufferSpec(Shape shape, boolean integer, Supplier<Object> values) {}
