package dev.fiber.core.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A lazy handle on one tensor of a checkpoint: its key, dtype, shape and where its elements lie in a
 * storage (offset and strides, as PyTorch's {@code _rebuild_tensor_v2} describes them). Nothing is
 * read until one of the {@code read...} methods or {@link #toNDArray} is called; then exactly the
 * elements of this view are read from the file and returned in C (row-major) order, so views that
 * share a storage, slices with an offset, transposes and stride-0 expansions all come out as PyTorch
 * shows them.
 *
 * <p>Reads need the owning {@link TorchCheckpoint} or {@link SafeTensors} to be open. Handles are
 * immutable and may be read from several threads.
 */
public final class TensorRef {

    /** Most dimensions accepted for one tensor. */
    static final int MAX_DIMS = 64;

    private final String key;
    private final Storage storage;
    private final long offset;
    private final long[] shape;
    private final long[] strides;
    private final long numel;

    private TensorRef(String key, Storage storage, long offset, long[] shape, long[] strides, long numel) {
        this.key = key;
        this.storage = storage;
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
        this.numel = numel;
    }

    /**
     * Builds a handle after checking that the view is well-formed and lies inside its storage.
     *
     * @param err how to report a problem (names the file and the pickle position)
     */
    static TensorRef create(String key, StorageSlice slice, long offset, long[] shape, long[] strides,
            ErrorSink err) throws CheckpointException {
        if (shape.length != strides.length) {
            throw err.fail("tensor has " + shape.length + " sizes but " + strides.length + " strides");
        }
        if (shape.length > MAX_DIMS) {
            throw err.fail("tensor has " + shape.length + " dimensions (more than " + MAX_DIMS + ")");
        }
        if (offset < 0) {
            throw err.fail("negative storage offset " + offset);
        }
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw err.fail("negative size " + shape[i] + " in shape " + Arrays.toString(shape));
            }
            if (strides[i] < 0) {
                throw err.fail("negative stride " + strides[i] + " in strides " + Arrays.toString(strides));
            }
            try {
                n = Math.multiplyExact(n, shape[i]);
            } catch (ArithmeticException e) {
                throw err.fail("shape " + Arrays.toString(shape) + " has more elements than a long can count");
            }
        }
        long base;
        try {
            base = Math.addExact(slice.offset(), offset);
        } catch (ArithmeticException e) {
            throw err.fail("storage offset " + offset + " overflows");
        }
        if (n > 0) {
            long last = offset;
            try {
                for (int i = 0; i < shape.length; i++) {
                    last = Math.addExact(last, Math.multiplyExact(shape[i] - 1, strides[i]));
                }
            } catch (ArithmeticException e) {
                throw err.fail("view (offset " + offset + ", shape " + Arrays.toString(shape) + ", strides "
                        + Arrays.toString(strides) + ") overflows");
            }
            if (last >= slice.numel()) {
                throw err.fail("view (offset " + offset + ", shape " + Arrays.toString(shape) + ", strides "
                        + Arrays.toString(strides) + ") needs element " + last + " but its storage "
                        + slice.storage().name() + " has only " + slice.numel() + " elements");
            }
        }
        return new TensorRef(key, slice.storage(), base, shape.clone(), strides.clone(), n);
    }

    /** A whole storage as a one-dimensional tensor (a bare storage pickled outside any tensor). */
    static TensorRef ofStorage(String key, StorageSlice slice) {
        return new TensorRef(key, slice.storage(), slice.offset(), new long[] {slice.numel()}, new long[] {1},
                slice.numel());
    }

    /** A contiguous tensor covering a whole storage (safetensors). */
    static TensorRef contiguous(String key, Storage storage, long[] shape, long numel) {
        return new TensorRef(key, storage, 0, shape.clone(), contiguousStrides(shape), numel);
    }

    static long[] contiguousStrides(long[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= Math.max(shape[i], 1);
        }
        return s;
    }

    /** @return the same tensor under another key */
    TensorRef withKey(String newKey) {
        return newKey.equals(key) ? this : new TensorRef(newKey, storage, offset, shape, strides, numel);
    }

    Storage storage() {
        return storage;
    }

    /** @return the state-dict key, or the path of the tensor inside the checkpoint's structure */
    public String key() {
        return key;
    }

    /** @return the element type as stored */
    public TorchDType dtype() {
        return storage.dtype();
    }

    /** @return the shape (a copy; {@code []} for a 0-d scalar) */
    public long[] shape() {
        return shape.clone();
    }

    /** @return the strides in elements (a copy) */
    public long[] strides() {
        return strides.clone();
    }

    /** @return offset of the first element in the storage, in elements */
    public long storageOffset() {
        return offset;
    }

    /** @return name of the storage record, e.g. {@code tiny/data/12}; views of one storage share it */
    public String storageName() {
        return storage.name();
    }

    /** @return number of elements in the storage the tensor views */
    public long storageNumel() {
        return storage.numel();
    }

    /** @return number of elements (product of the shape; 1 for a 0-d tensor) */
    public long numel() {
        return numel;
    }

    /**
     * @return bytes the tensor's elements take in its dtype ({@link Long#MAX_VALUE} if that overflows,
     *     which only a stride-0 expansion of absurd size can do)
     */
    public long nbytes() {
        int es = storage.dtype().byteSize();
        return numel > Long.MAX_VALUE / es ? Long.MAX_VALUE : numel * es;
    }

    /** @return the DJL shape */
    public Shape djlShape() {
        return new Shape(shape);
    }

    /**
     * Reads the elements as float32. Float16 and bfloat16 convert exactly; float64 rounds to the
     * nearest float32; integer and bool tensors convert to the nearest float32 (exact up to 2^24).
     *
     * @return the elements in C order
     * @throws CheckpointException if the data cannot be read (file closed, truncated, CRC mismatch)
     */
    public float[] readFloats() throws CheckpointException {
        float[] out = new float[arrayLength()];
        TensorReader.read(this, new TensorReader.FloatSink(out, dtype()));
        return out;
    }

    /**
     * Reads the elements as float64 (exact for every dtype except int64 beyond 2^53).
     *
     * @return the elements in C order
     * @throws CheckpointException if the data cannot be read
     */
    public double[] readDoubles() throws CheckpointException {
        double[] out = new double[arrayLength()];
        TensorReader.read(this, new TensorReader.DoubleSink(out, dtype()));
        return out;
    }

    /**
     * Reads an integer or bool tensor as int64 (bool gives 0/1, uint8 0..255).
     *
     * @return the elements in C order
     * @throws CheckpointException if the tensor is floating point or cannot be read
     */
    public long[] readLongs() throws CheckpointException {
        if (dtype().isFloatingPoint()) {
            throw new CheckpointException(storage.file(), "tensor " + key, -1, "readLongs() on a "
                    + dtype().torchName() + " tensor; use readFloats() or readDoubles()");
        }
        long[] out = new long[arrayLength()];
        TensorReader.read(this, new TensorReader.LongSink(out, dtype()));
        return out;
    }

    /**
     * Reads the elements in their own dtype as little-endian bytes in C order (e.g. to copy a tensor
     * unchanged into a safetensors file).
     *
     * @return a buffer of {@link #nbytes()} bytes, little-endian
     * @throws CheckpointException if the data cannot be read
     */
    public ByteBuffer readRawBytes() throws CheckpointException {
        return readRaw(ByteOrder.LITTLE_ENDIAN);
    }

    private ByteBuffer readRaw(ByteOrder target) throws CheckpointException {
        long bytes = nbytes();
        if (bytes > Storage.MAX_ARRAY_BYTES) {
            throw tooLarge();
        }
        byte[] out = new byte[(int) bytes];
        TensorReader.read(this, new TensorReader.RawSink(out, dtype(), target));
        return ByteBuffer.wrap(out).order(target);
    }

    /**
     * Reads the tensor into an engine array: floating dtypes become FLOAT32; int64, int32, int8,
     * uint8 and bool keep their type; int16 becomes INT64 (the PyTorch engine cannot take int16 buffers).
     *
     * @param manager the manager that will own the array
     * @return a new array of this tensor's shape
     * @throws CheckpointException if the data cannot be read
     */
    public NDArray toNDArray(NDManager manager) throws CheckpointException {
        Shape s = djlShape();
        switch (dtype()) {
            case FLOAT32:
            case FLOAT16:
            case BFLOAT16:
            case FLOAT64:
                return manager.create(readFloats(), s);
            case INT64:
            case INT16:
                return manager.create(readLongs(), s);
            case INT32:
            case INT8:
            case UINT8:
            case BOOL:
                ByteBuffer raw = readRaw(ByteOrder.nativeOrder());
                ByteBuffer direct = manager.allocateDirect(raw.capacity());
                direct.put(raw);
                direct.rewind();
                DataType t = dtype().djlType();
                return manager.create(direct, s, t);
            default:
                throw new IllegalStateException("unhandled dtype " + dtype());
        }
    }

    private int arrayLength() throws CheckpointException {
        if (numel > Integer.MAX_VALUE - 16) {
            throw tooLarge();
        }
        return (int) numel;
    }

    private CheckpointException tooLarge() {
        return new CheckpointException(storage.file(), "tensor " + key, -1, "tensor of " + numel + " "
                + dtype().torchName() + " elements is too large for one Java array");
    }

    /** @return whether the elements are laid out contiguously in C order */
    public boolean isContiguous() {
        long expect = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expect) {
                return numel == 0;
            }
            expect *= shape[i];
        }
        return true;
    }

    @Override
    public String toString() {
        return "TensorRef[" + key + ", " + dtype().torchName() + ", " + Arrays.toString(shape) + "]";
    }

    /** Reports a malformed tensor description where it was found. */
    @FunctionalInterface
    interface ErrorSink {
        CheckpointException fail(String reason);
    }
}
