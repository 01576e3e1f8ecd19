package dev.fiber.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One array read from a NumPy {@code .npy} file (or an entry of an {@code .npz} archive).
 *
 * <p>The raw bytes are kept as they were stored; accessors convert them in Java, so dtypes that the
 * PyTorch engine cannot take directly (int16, unsigned ints, float16, strings, Fortran order) never
 * reach native code unconverted. Use {@link #toNDArray(NDManager)} to get an engine array: floats
 * become float32, signed and unsigned integers int64 (or int32/int8/uint8 where exact), bools boolean.
 *
 * @param name the entry name (for npz) or file name, used in error messages
 * @param descr the NumPy dtype descriptor, e.g. {@code <f4}, {@code |u1}, {@code <U12}
 * @param shape the array shape ({@code []} for a 0-d array)
 * @param fortranOrder whether the data is stored column-major
 * @param data the raw element bytes, positioned at 0
 */
public record NpyArray(String name, String descr, long[] shape, boolean fortranOrder, ByteBuffer data) {

    /** @return number of elements (product of the shape; 1 for a 0-d array) */
    public long size() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** @return the dtype kind character: 'f', 'i', 'u', 'b', 'U', 'S' */
    public char kind() {
        return descr.charAt(1);
    }

    /** @return bytes per element */
    public int itemSize() {
        return Integer.parseInt(descr.substring(2));
    }

    /** @return the DJL shape */
    public Shape djlShape() {
        return new Shape(shape);
    }

    private ByteBuffer ordered() {
        ByteBuffer b = data.duplicate();
        b.order(descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        b.position(0);
        return b;
    }

    /** Index into the stored order of the element at C-order position {@code i}. */
    private int storedIndex(int i) {
        if (!fortranOrder || shape.length < 2) {
            return i;
        }
        int rem = i;
        int idx = 0;
        long stride = 1;
        long[] cIdx = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            cIdx[d] = rem % shape[d];
            rem /= (int) shape[d];
        }
        for (int d = 0; d < shape.length; d++) {
            idx += (int) (cIdx[d] * stride);
            stride *= shape[d];
        }
        return idx;
    }

    private double element(ByteBuffer b, int i) {
        int s = itemSize();
        int off = storedIndex(i) * s;
        switch (kind()) {
            case 'f':
                if (s == 4) {
                    return b.getFloat(off);
                } else if (s == 8) {
                    return b.getDouble(off);
                } else if (s == 2) {
                    return HalfFloats.float16ToFloat(b.getShort(off));
                }
                break;
            case 'i':
                if (s == 1) {
                    return b.get(off);
                } else if (s == 2) {
                    return b.getShort(off);
                } else if (s == 4) {
                    return b.getInt(off);
                } else if (s == 8) {
                    return b.getLong(off);
                }
                break;
            case 'u':
                if (s == 1) {
                    return b.get(off) & 0xFF;
                } else if (s == 2) {
                    return b.getShort(off) & 0xFFFF;
                } else if (s == 4) {
                    return b.getInt(off) & 0xFFFFFFFFL;
                } else if (s == 8) {
                    return b.getLong(off);
                }
                break;
            case 'b':
                return b.get(off) != 0 ? 1 : 0;
            default:
                break;
        }
        throw new IllegalStateException(name + ": cannot convert dtype " + descr + " to a number");
    }

    /** @return all elements as float32, C order (any numeric dtype) */
    public float[] toFloatArray() {
        ByteBuffer b = ordered();
        int n = Math.toIntExact(size());
        float[] out = new float[n];
        if (kind() == 'f' && itemSize() == 4 && !fortranOrder) {
            b.asFloatBuffer().get(out);
            return out;
        }
        for (int i = 0; i < n; i++) {
            out[i] = (float) element(b, i);
        }
        return out;
    }

    /** @return all elements as float64, C order (any numeric dtype) */
    public double[] toDoubleArray() {
        ByteBuffer b = ordered();
        int n = Math.toIntExact(size());
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = element(b, i);
        }
        return out;
    }

    /** @return all elements as int64, C order (integer or bool dtypes; exact for int64) */
    public long[] toLongArray() {
        ByteBuffer b = ordered();
        int n = Math.toIntExact(size());
        long[] out = new long[n];
        int s = itemSize();
        for (int i = 0; i < n; i++) {
            if ((kind() == 'i' || kind() == 'u') && s == 8) {
                out[i] = b.getLong(storedIndex(i) * 8);
            } else {
                out[i] = (long) element(b, i);
            }
        }
        return out;
    }

    /** @return string elements of a {@code <U} (UTF-32) or {@code |S} (bytes) array, C order */
    public String[] toStringArray() {
        ByteBuffer b = ordered();
        int n = Math.toIntExact(size());
        String[] out = new String[n];
        int s = itemSize();
        for (int i = 0; i < n; i++) {
            int off = storedIndex(i) * (kind() == 'U' ? 4 * s : s);
            StringBuilder sb = new StringBuilder();
            if (kind() == 'U') {
                for (int c = 0; c < s; c++) {
                    int cp = b.getInt(off + 4 * c);
                    if (cp == 0) {
                        break;
                    }
                    sb.appendCodePoint(cp);
                }
            } else if (kind() == 'S') {
                byte[] raw = new byte[s];
                b.get(off, raw);
                int len = 0;
                while (len < s && raw[len] != 0) {
                    len++;
                }
                sb.append(new String(raw, 0, len, StandardCharsets.UTF_8));
            } else {
                throw new IllegalStateException(name + ": dtype " + descr + " is not a string dtype");
            }
            out[i] = sb.toString();
        }
        return out;
    }

    /** @return the single string of a 0-d or 1-element string array */
    public String toStringScalar() {
        String[] s = toStringArray();
        if (s.length != 1) {
            throw new IllegalStateException(name + ": expected one string, found " + s.length);
        }
        return s[0];
    }

    /**
     * Creates an engine array. Floating dtypes become float32; int64/int32/int8/uint8/bool keep
     * their type; int16 and other unsigned widths become int64 (converted in Java, never handed to
     * the engine raw).
     *
     * @param manager the manager that owns the result
     * @return a new NDArray with this array's shape
     */
    public NDArray toNDArray(NDManager manager) {
        Shape sh = djlShape();
        char k = kind();
        int s = itemSize();
        if (k == 'f') {
            return manager.create(toFloatArray(), sh);
        }
        if ((k == 'i' && s == 8) || (k == 'i' && s == 2) || (k == 'u' && s > 1)) {
            return manager.create(toLongArray(), sh);
        }
        if (k == 'i' && s == 4) {
            long[] l = toLongArray();
            int[] v = new int[l.length];
            for (int i = 0; i < l.length; i++) {
                v[i] = (int) l[i];
            }
            return manager.create(v, sh);
        }
        if ((k == 'i' || k == 'u') && s == 1) {
            long[] l = toLongArray();
            byte[] v = new byte[l.length];
            for (int i = 0; i < l.length; i++) {
                v[i] = (byte) l[i];
            }
            return manager.create(ByteBuffer.wrap(v), sh, k == 'u' ? DataType.UINT8 : DataType.INT8);
        }
        if (k == 'b') {
            long[] l = toLongArray();
            boolean[] v = new boolean[l.length];
            for (int i = 0; i < l.length; i++) {
                v[i] = l[i] != 0;
            }
            return manager.create(v, sh);
        }
        throw new IllegalStateException(name + ": dtype " + descr + " has no engine equivalent");
    }

    @Override
    public String toString() {
        return name + " " + descr + " " + Arrays.toString(shape) + (fortranOrder ? " (Fortran order)" : "");
    }
}
