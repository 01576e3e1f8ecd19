package dev.fiber.examples.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import picocli.CommandLine.Option;

/**
 * Options shared by the coarse task commands ({@code vqa}, {@code caption}, {@code itm},
 * {@code nlvr2}, {@code retrieve}): the checkpoint, the resolution, the device and the output format.
 */
public final class TaskOptions {

    /** Where to run. */
    enum Where { AUTO, CPU, GPU }

    @Option(names = {"-m", "--checkpoint"}, required = true, paramLabel = "CKPT",
            description = "coarse FIBER checkpoint: a file, an http(s) URL or a model name of 'fiber models'")
    String checkpoint;

    @Option(names = "--resolution", defaultValue = "0", paramLabel = "PIXELS",
            description = "input resolution, a multiple of 32 (e.g. 576 as the official evaluation; relative-position tables are "
                    + "resized); default: the official evaluation resolution of a named model, else the checkpoint's")
    int resolution;

    @Option(names = "--device", defaultValue = "AUTO", paramLabel = "WHERE",
            description = "auto (GPU if found), cpu or gpu (default: ${DEFAULT-VALUE})")
    Where device;

    @Option(names = "--json", description = "print the result as JSON")
    boolean json;

    /** @return the DJL device, or {@code null} for the default */
    Device device() {
        return switch (device) {
            case CPU -> Device.cpu();
            case GPU -> Device.gpu();
            case AUTO -> Engine.getEngine("PyTorch").defaultDevice();
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
