package dev.fiber.core.model;

import ai.djl.ndarray.NDArray;

/**
 * The uni-modal bottom of FIBER's image side, cached for reuse: the Swin tokens after the patch
 * embedding, stages 1-2 and the stage-3 blocks below the fusion (blocks {@code 0 .. 19-num_fuse_block},
 * i.e. 0-13 for FIBER-B). Nothing in this part of official {@code infer} sees the text (paper Sec. 3.1:
 * fusion only in the top layers), so one image can be fused with many texts from the same bottom.
 * Produced by {@link FusionCache#encodeImageBottom}, consumed by {@link FusionCache#inferFromBottoms}.
 *
 * @param states (B, (S/16)^2, 4C) image tokens entering the first fused stage-3 block
 */
public record ImageBottom(NDArray states) {

    /** @return the batch size */
    public long batchSize() {
        return states.getShape().get(0);
    }
}
