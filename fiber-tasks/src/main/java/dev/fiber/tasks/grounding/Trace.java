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

    /**
     * @return false if the recorder does not look at the values (a no-op, or a clock that only notes when
     *     each key arrives); callers may then skip computing values that exist only for the trace
     */
    default boolean enabled() {
        return true;
    }
}
