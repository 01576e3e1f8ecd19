package dev.fiber.examples.cli;

import dev.fiber.tasks.grounding.bench.GroundingBench;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fiber bench-grounding}: latency of the fine-grained FIBER-B model on one image with a short
 * caption and synthetic weights ({@link GroundingBench}); the numbers recorded in docs/PERFORMANCE.md,
 * section "Grounding (fine-grained FIBER-B)".
 */
@Command(
        name = "bench-grounding",
        mixinStandardHelpOptions = true,
        description = {"Benchmark FIBER-B-size phrase grounding (synthetic weights, no checkpoint needed):",
            "latency, per-stage breakdown, multiply-adds and achieved GFLOP/s, peak RSS."})
public final class BenchGroundingCommand implements Callable<Integer> {

    @Option(names = "--height", defaultValue = "800", description = "image height (default ${DEFAULT-VALUE})")
    int height;

    @Option(names = "--width", defaultValue = "1333", description = "image width (default ${DEFAULT-VALUE})")
    int width;

    @Option(names = "--warmup", defaultValue = "1", description = "untimed passes first (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--runs", defaultValue = "3", description = "timed passes (default ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--threads", defaultValue = "2",
            description = "libtorch intra-op threads (default ${DEFAULT-VALUE}); 0 keeps libtorch's default")
    int threads;

    @Option(names = "--torch-profile", paramLabel = "FILE",
            description = "write libtorch's profiler trace (Chrome JSON) of the last timed pass to FILE")
    Path torchProfile;

    @Override
    public Integer call() throws Exception {
        if (threads > 0) {
            // read once by the PyTorch engine when it starts, which happens on the first NDManager below
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        System.out.printf("machine: %d cores visible to the JVM, libtorch threads %s, Java %s, OMP_WAIT_POLICY=%s%n",
                Runtime.getRuntime().availableProcessors(), threads > 0 ? Integer.toString(threads) : "default",
                System.getProperty("java.version"), System.getenv().getOrDefault("OMP_WAIT_POLICY", "(unset)"));
        GroundingBench.Report report = GroundingBench.run(new GroundingBench.Options(height, width, warmup, runs, torchProfile), System.out);
        System.out.println();
        report.print(System.out);
        return 0;
    }
}
