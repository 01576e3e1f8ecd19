package dev.fiber.core.model;

import ai.djl.ndarray.NDArray;

/**
 * Output of FIBER's fused forward pass (official {@code infer}).
 *
 * @param textFeats cross-modal text features (B, T, hidden_size)
 * @param imageFeats cross-modal image features (B, (S/32)^2, hidden_size)
 * @param clsFeats {@code cat(tanh(pooler_text(text[:, 0])), tanh(pooler_image(mean(image))))} (B, 2*hidden_size)
 */
public record FusedFeatures(NDArray textFeats, NDArray imageFeats, NDArray clsFeats) {}
