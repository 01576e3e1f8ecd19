package dev.fiber.core.checkpoint;

import ai.djl.ndarray.types.DataType;

/**
 * The tensor element types the checkpoint readers understand, named after PyTorch's dtypes. Each knows
 * its PyTorch storage class ({@code torch.FloatStorage} ...), its safetensors code ({@code F32} ...)
 * and its size. Mirrors {@code torch.dtype} / the typed storages of {@code torch/storage.py}.
 */
public enum TorchDType {
    /** {@code torch.float32}. */
    FLOAT32("float32", "FloatStorage", "F32", 4, true, DataType.FLOAT32),
    /** {@code torch.float16} (IEEE half). */
    FLOAT16("float16", "HalfStorage", "F16", 2, true, DataType.FLOAT16),
    /** {@code torch.bfloat16}. */
    BFLOAT16("bfloat16", "BFloat16Storage", "BF16", 2, true, DataType.BFLOAT16),
    /** {@code torch.float64}. */
    FLOAT64("float64", "DoubleStorage", "F64", 8, true, DataType.FLOAT64),
    /** {@code torch.int64}. */
    INT64("int64", "LongStorage", "I64", 8, false, DataType.INT64),
    /** {@code torch.int32}. */
    INT32("int32", "IntStorage", "I32", 4, false, DataType.INT32),
    /** {@code torch.int16}. */
    INT16("int16", "ShortStorage", "I16", 2, false, DataType.INT16),
    /** {@code torch.int8}. */
    INT8("int8", "CharStorage", "I8", 1, false, DataType.INT8),
    /** {@code torch.uint8}. */
    UINT8("uint8", "ByteStorage", "U8", 1, false, DataType.UINT8),
    /** {@code torch.bool} (one byte per element, 0 or 1). */
    BOOL("bool", "BoolStorage", "BOOL", 1, false, DataType.BOOLEAN);

    private final String torchName;
    private final String storageClass;
    private final String safetensorsName;
    private final int byteSize;
    private final boolean floatingPoint;
    private final DataType djlType;

    TorchDType(String torchName, String storageClass, String safetensorsName, int byteSize,
            boolean floatingPoint, DataType djlType) {
        this.torchName = torchName;
        this.storageClass = storageClass;
        this.safetensorsName = safetensorsName;
        this.byteSize = byteSize;
        this.floatingPoint = floatingPoint;
        this.djlType = djlType;
    }

    /** @return the PyTorch name, e.g. {@code float32} */
    public String torchName() {
        return torchName;
    }

    /** @return the typed storage class name in module {@code torch}, e.g. {@code FloatStorage} */
    public String storageClass() {
        return storageClass;
    }

    /** @return the safetensors dtype code, e.g. {@code F32} */
    public String safetensorsName() {
        return safetensorsName;
    }

    /** @return bytes per element */
    public int byteSize() {
        return byteSize;
    }

    /** @return whether this is a floating-point type */
    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /** @return the DJL data type with the same element layout */
    public DataType djlType() {
        return djlType;
    }

    /**
     * @param storageClass a class name in module {@code torch}, e.g. {@code HalfStorage}
     * @return the dtype, or {@code null} if it is not a supported typed storage
     */
    public static TorchDType fromStorageClass(String storageClass) {
        for (TorchDType t : values()) {
            if (t.storageClass.equals(storageClass)) {
                return t;
            }
        }
        return null;
    }

    /**
     * @param name a PyTorch dtype attribute of module {@code torch}, e.g. {@code float32} or its
     *     alias {@code float}, {@code half}, {@code double}, {@code long}, {@code int}, {@code short}
     * @return the dtype, or {@code null} if unknown
     */
    public static TorchDType fromTorchName(String name) {
        switch (name) {
            case "float": return FLOAT32;
            case "half": return FLOAT16;
            case "double": return FLOAT64;
            case "long": return INT64;
            case "int": return INT32;
            case "short": return INT16;
            default:
                for (TorchDType t : values()) {
                    if (t.torchName.equals(name)) {
                        return t;
                    }
                }
                return null;
        }
    }

    /**
     * @param code a safetensors dtype code, e.g. {@code BF16}
     * @return the dtype, or {@code null} if unsupported
     */
    public static TorchDType fromSafetensorsName(String code) {
        for (TorchDType t : values()) {
            if (t.safetensorsName.equals(code)) {
                return t;
            }
        }
        return null;
    }

    /**
     * @param type a DJL data type
     * @return the dtype with the same element layout, or {@code null} if there is none
     */
    public static TorchDType fromDjl(DataType type) {
        for (TorchDType t : values()) {
            if (t.djlType == type) {
                return t;
            }
        }
        return null;
    }
}
