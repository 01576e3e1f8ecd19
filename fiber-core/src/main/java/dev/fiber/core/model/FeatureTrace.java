package dev.fiber.core.model;

import ai.djl.ndarray.NDArray;

/**
 * Receives named intermediate activations of the fused forward pass (for parity checks and
 * debugging), under the names of the reference data: {@code image_patch_embed},
 * {@code image_embeds_after_stage1..3}, {@code text_embeddings},
 * {@code text_embeds_after_layer<k>} (after the uni-modal text layers and after the stage-3
 * fusion), {@code text_embeds_final}, {@code image_embeds_final}. The arrays are owned by the pass's
 * manager; a sink that keeps them must attach them elsewhere or copy them.
 */
@FunctionalInterface
public interface FeatureTrace {

    /** A trace that ignores everything. */
    FeatureTrace NONE = (name, value) -> {};

    /**
     * @param name reference name of the intermediate
     * @param value its value
     */
    void record(String name, NDArray value);
}
