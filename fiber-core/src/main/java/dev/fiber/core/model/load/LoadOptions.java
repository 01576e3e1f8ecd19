package dev.fiber.core.model.load;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.fiber.core.config.FiberConfig;

/**
 * How to build a FIBER model from a checkpoint.
 *
 * @param config architecture to build instead of the checkpoint's own, or {@code null} (then the
 *     stored config completed from the tensor shapes is used)
 * @param imageSize input resolution to run at (0 = the config's); relative-position tables are
 *     resized as the official {@code swin_adapt_position_encoding} does when it differs
 * @param strict whether missing / unexpected keys are an error (PyTorch {@code strict=True});
 *     non-strict loading initialises missing parameters freshly and reports both lists
 * @param device device for the parameters, or {@code null} for DJL's default (the first GPU when
 *     the engine finds one, else the CPU)
 * @param dataType {@link DataType#FLOAT32} (default) or {@link DataType#FLOAT16} (GPU only)
 */
public record LoadOptions(FiberConfig config, int imageSize, boolean strict, Device device, DataType dataType) {

    /** Validates the options. */
    public LoadOptions {
        if (imageSize < 0) {
            throw new IllegalArgumentException("imageSize must be >= 0");
        }
        if (dataType == null) {
            dataType = DataType.FLOAT32;
        }
        if (dataType != DataType.FLOAT32 && dataType != DataType.FLOAT16) {
            throw new IllegalArgumentException("FIBER runs in float32 or (on GPU) float16, not " + dataType);
        }
    }

    /** @return strict float32 loading on the default device with the checkpoint's config */
    public static LoadOptions defaults() {
        return new LoadOptions(null, 0, true, null, DataType.FLOAT32);
    }

    /**
     * @param c architecture override
     * @return a copy using that configuration
     */
    public LoadOptions withConfig(FiberConfig c) {
        return new LoadOptions(c, imageSize, strict, device, dataType);
    }

    /**
     * @param size input resolution (multiple of 32)
     * @return a copy running at that resolution
     */
    public LoadOptions withImageSize(int size) {
        return new LoadOptions(config, size, strict, device, dataType);
    }

    /**
     * @param s strictness
     * @return a copy with that strictness
     */
    public LoadOptions withStrict(boolean s) {
        return new LoadOptions(config, imageSize, s, device, dataType);
    }

    /**
     * @param d device
     * @return a copy placing the model on that device
     */
    public LoadOptions withDevice(Device d) {
        return new LoadOptions(config, imageSize, strict, d, dataType);
    }

    /**
     * @param t {@link DataType#FLOAT32} or {@link DataType#FLOAT16}
     * @return a copy with that precision
     */
    public LoadOptions withDataType(DataType t) {
        return new LoadOptions(config, imageSize, strict, device, t);
    }
}
