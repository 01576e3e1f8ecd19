package dev.fiber.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * How a parameter is initialised when a model is created without a checkpoint (or a checkpoint
 * lacks it and loading is not strict), following the official inits: {@code Linear}/{@code
 * Embedding} weights and the relative-position tables N(0, 0.02) (timm's trunc_normal(0.02) and
 * HuggingFace / FIBER {@code init_weights} use that scale), biases 0, LayerNorm weight 1 / bias 0,
 * the fusion gates {@code alpha_*} 0 and the ITC temperature 0.07.
 *
 * @param kind {@code "normal"} (value = standard deviation) or {@code "constant"} (value = the constant)
 * @param value the standard deviation or the constant
 */
public record ParamInit(String kind, float value) {

    /** N(0, 0.02). */
    public static final ParamInit NORMAL = new ParamInit("normal", 0.02f);
    /** All zeros. */
    public static final ParamInit ZEROS = new ParamInit("constant", 0f);
    /** All ones. */
    public static final ParamInit ONES = new ParamInit("constant", 1f);

    /** Validates the kind. */
    public ParamInit {
        if (!"normal".equals(kind) && !"constant".equals(kind)) {
            throw new IllegalArgumentException("unknown init kind " + kind);
        }
    }

    /**
     * @param v the constant
     * @return an initialiser filling every element with {@code v}
     */
    public static ParamInit constant(float v) {
        return new ParamInit("constant", v);
    }

    /**
     * @param manager owner of the new array (its device is used)
     * @param shape shape
     * @param type data type
     * @return a freshly initialised array
     */
    public NDArray create(NDManager manager, Shape shape, DataType type) {
        NDArray a = "normal".equals(kind)
                ? manager.randomNormal(0f, value, shape, DataType.FLOAT32)
                : manager.full(shape, value, DataType.FLOAT32);
        return type == DataType.FLOAT32 ? a : a.toType(type, false);
    }
}
