package dev.fiber.examples.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import picocli.CommandLine.Option;

/**
 * Options shared by the coarse task commands ({@code vqa}, {@code caption}, {@code itm},
 * {@code nlvr2}, {@code retrieve}): the checkpoint, the resolution, the device and the output format.
 */
public final class TaskOptions {

    @Option(names = {"-m", "--checkpoint"}, paramLabel = "CKPT",
            description = "coarse FIBER checkpoint: a file, an http(s) URL or a model name of 'fiber models'"
                    + " (required, except for vqa, whose default is the shapes demo model)")
    String checkpoint;

    @Option(names = "--resolution", defaultValue = "0", paramLabel = "PIXELS",
            description = "input resolution, a multiple of 32 (e.g. 576 as the official evaluation; relative-position tables are "
                    + "resized); default: the official evaluation resolution of a named model, else the checkpoint's")
    int resolution;

    @Option(names = "--device", defaultValue = "auto", paramLabel = "auto|cpu|gpu",
            description = "auto (GPU if found), cpu or gpu (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--json", description = "print the result as JSON")
    boolean json;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "libtorch intra-op threads (0 = libtorch's default, one per core, the fastest on an idle machine); "
                    + "on a machine shared with other busy jobs 1 avoids waiting for preempted threads (docs/PERFORMANCE.md)")
    int threads;

    /**
     * @return the {@code -m} value
     * @throws IllegalArgumentException if it was not given
     */
    String checkpoint() {
        if (checkpoint == null || checkpoint.isBlank()) {
            throw new IllegalArgumentException("missing required option '--checkpoint=CKPT' (-m): a checkpoint file, URL or model name");
        }
        return checkpoint;
    }

    /** @return the DJL device (also applies {@code --threads}, before the first model is loaded) */
    Device device() {
        if (threads < 0) {
            throw new IllegalArgumentException("--threads must be >= 0, got " + threads);
        }
        if (threads > 0) {
            Engine.getEngine("PyTorch");
            ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
        }
        return switch (device.toLowerCase(java.util.Locale.ROOT)) {
            case "cpu" -> Device.cpu();
            case "gpu" -> Device.gpu();
            case "auto" -> Engine.getEngine("PyTorch").defaultDevice();
            default -> throw new IllegalArgumentException("--device must be auto, cpu or gpu, not '" + device + "'");
        };
    }

    /** @return the resolution to request ({@code null} to keep the default) */
    Integer resolutionOrNull() {
        if (resolution < 0 || resolution % 32 != 0) {
            throw new IllegalArgumentException("--resolution must be a positive multiple of 32 (or 0 for the default), got " + resolution);
        }
        return resolution == 0 ? null : resolution;
    }
}
