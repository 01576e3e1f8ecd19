package dev.fiber.core.checkpoint;

import dev.fiber.core.io.HalfFloats;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;

/**
 * Copies the elements of a {@link TensorRef} view out of its storage into a Java array, in C order.
 *
 * <p>Strategy: dimensions of size 1 are dropped and the innermost dimensions that are contiguous in
 * the storage are merged into runs. A fully contiguous view is streamed in chunks (checking the zip
 * record's CRC-32 when the view is the whole record). Other views read the storage span they touch
 * once when it is small (or the record is compressed, or a small record's CRC has not been checked
 * yet) and gather from memory; a view that touches a huge span sparsely (e.g. one column of a very
 * large matrix) is read run by run. Only the bytes of the requested tensor are ever read, apart from
 * the CRC check of records of at most {@link #SMALL_STORAGE} bytes.
 */
final class TensorReader {

    /** Records up to this size are read whole (and CRC-checked) even for a partial view. */
    static final long SMALL_STORAGE = 64L << 20;

    private static final int CHUNK = 4 << 20;

    private TensorReader() {}

    /** Converts consecutive elements of a storage buffer into an output array. */
    abstract static class Sink {
        final TorchDType dtype;

        Sink(TorchDType dtype) {
            this.dtype = dtype;
        }

        /** Converts {@code count} elements starting at {@code src.position()} to output index {@code out}. */
        abstract void copy(ByteBuffer src, int count, int out);
    }

    static void read(TensorRef t, Sink sink) throws CheckpointException {
        long n = t.numel();
        if (n == 0) {
            return;
        }
        Storage s = t.storage();
        int es = s.dtype().byteSize();
        long[] shape = t.shape();
        long[] strides = t.strides();
        int k = 0;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] != 1) {
                shape[k] = shape[i];
                strides[k] = strides[i];
                k++;
            }
        }
        long run = 1;
        int outer = k;
        while (outer > 0 && strides[outer - 1] == run) {
            run *= shape[outer - 1];
            outer--;
        }
        long first = t.storageOffset();
        long last = first;
        for (int i = 0; i < k; i++) {
            last += (shape[i] - 1) * strides[i];
        }
        boolean wholeRecord = outer == 0 && first == 0 && n == s.numel();

        if (s.isDeflated() || (s.hasUnverifiedCrc() && !wholeRecord && s.nbytes() <= SMALL_STORAGE)) {
            gather(s.readAll(), 0, first, shape, strides, outer, run, n, sink);
            return;
        }
        if (outer == 0) {
            stream(s, first, n, 0, sink, wholeRecord && s.hasUnverifiedCrc());
            return;
        }
        long spanBytes = (last - first + 1) * es;
        if (spanBytes <= Math.max(SMALL_STORAGE, 2 * n * es) && spanBytes <= Storage.MAX_ARRAY_BYTES) {
            gather(s.readRange(first, last - first + 1), first, first, shape, strides, outer, run, n, sink);
            return;
        }
        long[] idx = new long[outer];
        long base = first;
        for (long out = 0; out < n; out += run) {
            stream(s, base, run, (int) out, sink, false);
            for (int d = outer - 1; d >= 0; d--) {
                idx[d]++;
                base += strides[d];
                if (idx[d] < shape[d]) {
                    break;
                }
                base -= strides[d] * shape[d];
                idx[d] = 0;
            }
        }
    }

    /** Gathers the view from {@code buf}, which holds the storage from element {@code bufStart}. */
    private static void gather(ByteBuffer buf, long bufStart, long first, long[] shape, long[] strides, int outer,
            long run, long n, Sink sink) {
        int es = sink.dtype.byteSize();
        long[] idx = new long[outer];
        long base = first;
        for (long out = 0; out < n; out += run) {
            buf.position((int) ((base - bufStart) * es));
            sink.copy(buf, (int) run, (int) out);
            for (int d = outer - 1; d >= 0; d--) {
                idx[d]++;
                base += strides[d];
                if (idx[d] < shape[d]) {
                    break;
                }
                base -= strides[d] * shape[d];
                idx[d] = 0;
            }
        }
    }

    /** Reads {@code count} consecutive elements from {@code start} in chunks, optionally checking the CRC. */
    private static void stream(Storage s, long start, long count, int out, Sink sink, boolean crc)
            throws CheckpointException {
        int es = s.dtype().byteSize();
        int perChunk = Math.max(1, CHUNK / es);
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(count, perChunk) * es).order(s.order());
        CRC32 c = crc ? new CRC32() : null;
        long done = 0;
        while (done < count) {
            int m = (int) Math.min(perChunk, count - done);
            buf.clear();
            buf.limit(m * es);
            s.read(start + done, buf);
            buf.flip();
            if (c != null) {
                c.update(buf.array(), 0, m * es);
            }
            sink.copy(buf, m, (int) (out + done));
            done += m;
        }
        if (c != null) {
            s.verifyCrc(c);
        }
    }

    /** float32 output. */
    static final class FloatSink extends Sink {
        private final float[] out;

        FloatSink(float[] out, TorchDType dtype) {
            super(dtype);
            this.out = out;
        }

        @Override
        void copy(ByteBuffer b, int count, int o) {
            int p = b.position();
            switch (dtype) {
                case FLOAT32:
                    b.asFloatBuffer().get(out, o, count);
                    break;
                case FLOAT16:
                    for (int i = 0; i < count; i++) {
                        out[o + i] = HalfFloats.float16ToFloat(b.getShort(p + 2 * i));
                    }
                    break;
                case BFLOAT16:
                    for (int i = 0; i < count; i++) {
                        out[o + i] = HalfFloats.bfloat16ToFloat(b.getShort(p + 2 * i));
                    }
                    break;
                case FLOAT64:
                    for (int i = 0; i < count; i++) {
                        out[o + i] = (float) b.getDouble(p + 8 * i);
                    }
                    break;
                default:
                    for (int i = 0; i < count; i++) {
                        out[o + i] = (float) integer(b, dtype, p, i);
                    }
                    break;
            }
        }
    }

    /** float64 output. */
    static final class DoubleSink extends Sink {
        private final double[] out;

        DoubleSink(double[] out, TorchDType dtype) {
            super(dtype);
            this.out = out;
        }

        @Override
        void copy(ByteBuffer b, int count, int o) {
            int p = b.position();
            for (int i = 0; i < count; i++) {
                switch (dtype) {
                    case FLOAT32:
                        out[o + i] = b.getFloat(p + 4 * i);
                        break;
                    case FLOAT16:
                        out[o + i] = HalfFloats.float16ToFloat(b.getShort(p + 2 * i));
                        break;
                    case BFLOAT16:
                        out[o + i] = HalfFloats.bfloat16ToFloat(b.getShort(p + 2 * i));
                        break;
                    case FLOAT64:
                        out[o + i] = b.getDouble(p + 8 * i);
                        break;
                    default:
                        out[o + i] = integer(b, dtype, p, i);
                        break;
                }
            }
        }
    }

    /** int64 output for integer and bool dtypes. */
    static final class LongSink extends Sink {
        private final long[] out;

        LongSink(long[] out, TorchDType dtype) {
            super(dtype);
            this.out = out;
        }

        @Override
        void copy(ByteBuffer b, int count, int o) {
            int p = b.position();
            if (dtype == TorchDType.INT64) {
                b.asLongBuffer().get(out, o, count);
                return;
            }
            for (int i = 0; i < count; i++) {
                out[o + i] = integer(b, dtype, p, i);
            }
        }
    }

    /** Raw element bytes in a chosen byte order. */
    static final class RawSink extends Sink {
        private final byte[] out;
        private final int es;
        private final ByteOrder target;

        RawSink(byte[] out, TorchDType dtype, ByteOrder target) {
            super(dtype);
            this.out = out;
            this.es = dtype.byteSize();
            this.target = target;
        }

        @Override
        void copy(ByteBuffer b, int count, int o) {
            int p = b.position();
            if (es == 1 || b.order() == target) {
                if (b.hasArray()) {
                    System.arraycopy(b.array(), b.arrayOffset() + p, out, o * es, count * es);
                } else {
                    b.duplicate().get(out, o * es, count * es);
                }
                return;
            }
            for (int i = 0; i < count; i++) {
                for (int j = 0; j < es; j++) {
                    out[(o + i) * es + j] = b.get(p + i * es + es - 1 - j);
                }
            }
        }
    }

    private static long integer(ByteBuffer b, TorchDType t, int p, int i) {
        switch (t) {
            case INT64:
                return b.getLong(p + 8 * i);
            case INT32:
                return b.getInt(p + 4 * i);
            case INT16:
                return b.getShort(p + 2 * i);
            case INT8:
                return b.get(p + i);
            case UINT8:
                return b.get(p + i) & 0xFF;
            case BOOL:
                return b.get(p + i) != 0 ? 1 : 0;
            default:
                throw new IllegalStateException("not an integer dtype: " + t);
        }
    }
}
