package dev.fiber.examples.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import picocli.CommandLine.Option;

/**
 * Options shared by the coarse task commands ({@code vqa}, {@code caption}, {@code itm},
 * {@code nlvr2}, {@code retrieve}): the checkpoint, the resolution, the device and the output format.
 */
public final class TaskOptions {

    @Option(names = {"-m", "--checkpoint"}, required = true, paramLabel = "CKPT",
            description = "coarse FIBER checkpoint: a file, an http(s) URL or a model name of 'fiber models'")
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

    /** @return the DJL device */
    Device device() {
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
