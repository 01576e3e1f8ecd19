package dev.fiber.core.model;

import ai.djl.ndarray.NDArray;

/**
 * The uni-modal bottom of FIBER's text side, cached for reuse: RoBERTa embeddings and the text layers
 * below the fusion (layers {@code 0 .. 11-num_fuse_block}, i.e. 0-5 for FIBER-B), which never see the
 * image in official {@code infer}. Produced by {@link FusionCache#encodeTextBottom}, consumed by
 * {@link FusionCache#inferFromBottoms}.
 *
 * @param states (B, T, H) text states entering the first fused text layer
 * @param masks (B, T) the attention mask the states were computed with (1 token, 0 padding)
 */
public record TextBottom(NDArray states, NDArray masks) {

    /** @return the batch size */
    public long batchSize() {
        return states.getShape().get(0);
    }
}
