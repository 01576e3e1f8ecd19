package dev.fiber.core.model;

import ai.djl.ndarray.NDArray;

/**
 * Output of FIBER's captioning forward pass (official {@code infer_caption}).
 *
 * @param textFeats text features after {@code cross_modal_text_transform} (B, T, hidden_size);
 *     {@code mlm_score} of them gives next-token logits
 * @param imageEmbeds the Swin output the text cross-attends to (B, (S/32)^2, DIM_IMG); can be
 *     reused for every decoding step of the same images
 * @param clsFeats {@code tanh(pooler_text(textFeats[:, 0]))} (B, hidden_size)
 */
public record CaptionFeatures(NDArray textFeats, NDArray imageEmbeds, NDArray clsFeats) {}
