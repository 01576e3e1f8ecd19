package dev.fiber.tasks.grounding;

import ai.djl.ndarray.NDArray;

/**
 * Receives named intermediate tensors of a forward pass (for parity tests and debugging).
 *
 * <p>Keys follow the reference dump {@code tiny_fine_cases.npz}: {@code text.layer07},
 * {@code swin.stage3.block15}, {@code fpn.p4}, {@code head.tower2.l1}, ... A recorder must copy what it
 * keeps: the arrays are freed when the pass ends.
 */
@FunctionalInterface
public interface Trace {

    /** A trace that records nothing. */
    Trace NONE = new Trace() {
        @Override
        public void record(String key, NDArray value) {
            // nothing
        }

        @Override
        public boolean enabled() {
            return false;
        }
    };

    /**
     * Offers one intermediate.
     *
     * @param key its name
     * @param value the tensor (valid only during the call)
     */
    void record(String key, NDArray value);

    /** @return false if recording is a no-op (callers may then skip preparing values) */
    default boolean enabled() {
        return true;
    }
}
