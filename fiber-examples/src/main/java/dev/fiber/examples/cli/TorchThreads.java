package dev.fiber.examples.cli;

/**
 * Sets libtorch's CPU thread counts for the commands that train or evaluate. They must be set before
 * DJL starts the engine (DJL reads {@code ai.djl.pytorch.num_threads} /
 * {@code ai.djl.pytorch.num_interop_threads} once). On a CPU shared with other busy processes, one
 * intra-op thread is much faster than two: libtorch's OpenMP threads spin while waiting for each other,
 * and a preempted thread stalls every parallel operator (measured: 170 vs 5 samples/s on the shared
 * 2-core machine, see docs/PERFORMANCE.md).
 */
final class TorchThreads {

    private TorchThreads() {}

    /**
     * @param threads intra-op threads ({@code <= 0}: keep the default, the number of cores)
     */
    static void configure(int threads) {
        if (threads > 0) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }
}
