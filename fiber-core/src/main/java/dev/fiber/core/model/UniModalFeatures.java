package dev.fiber.core.model;

import ai.djl.ndarray.NDArray;

/**
 * Output of one uni-modal ITC path of FIBER (official {@code infer(text_only=True)} or
 * {@code infer(image_only=True)}).
 *
 * @param feats token features after the {@code *_itc} transform (B, L, hidden_size)
 * @param cls L2-normalised pooled feature (B, hidden_size)
 */
public record UniModalFeatures(NDArray feats, NDArray cls) {}
