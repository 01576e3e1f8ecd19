package dev.fiber.core.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * This project's own weight format: the <a href="https://github.com/huggingface/safetensors">safetensors</a>
 * layout (an 8-byte little-endian header length, a JSON header naming each tensor's dtype, shape and
 * byte range, then the raw little-endian data). Reading is lazy like {@link TorchCheckpoint}: opening
 * parses and validates only the header, and each {@link TensorRef} reads its own bytes on request.
 * Writing takes {@link NDArray}s or Java arrays plus string metadata.
 *
 * <p>The header is validated as the reference implementation does: at most 100 MB, a JSON object,
 * string-only {@code __metadata__}, known dtypes, non-negative shapes whose byte size matches the
 * range, and ranges that tile the data section exactly (no gaps, overlaps or trailing bytes); any
 * violation is a {@link CheckpointException}.
 */
public final class SafeTensors implements AutoCloseable {

    /** Largest header accepted, as in the reference implementation. */
    public static final long MAX_HEADER = 100_000_000L;

    private static final String META = "__metadata__";
    private static final String REGION = "safetensors header";

    private final Path path;
    private final FileSource src;
    private final Map<String, String> metadata;
    private final LinkedHashMap<String, TensorRef> tensors;

    private SafeTensors(Path path, FileSource src, Map<String, String> metadata,
            LinkedHashMap<String, TensorRef> tensors) {
        this.path = path;
        this.src = src;
        this.metadata = metadata;
        this.tensors = tensors;
    }

    /** Whether the first bytes of a file look like a safetensors header (used to give better errors). */
    static boolean looksLikeSafetensors(byte[] head, long fileSize) {
        if (head.length < 9) {
            return false;
        }
        long n = ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return n >= 2 && n <= fileSize - 8 && head[8] == '{';
    }

    /**
     * Opens a safetensors file and validates its header; no tensor data is read.
     *
     * @param path the file
     * @return the open file; close it when done reading tensors
     * @throws CheckpointException if the file is missing or its header is malformed or inconsistent
     */
    public static SafeTensors open(Path path) throws CheckpointException {
        FileSource src = FileSource.open(path);
        try {
            return read(path, src);
        } catch (Throwable t) {
            src.close();
            throw t;
        }
    }

    private static CheckpointException err(Path path, long pos, String reason) {
        return new CheckpointException(path, REGION, pos, reason);
    }

    private static SafeTensors read(Path path, FileSource src) throws CheckpointException {
        long size = src.size();
        if (size < 8) {
            throw new CheckpointException(path, null, 0, "file of " + size + " bytes is too short to be a"
                    + " safetensors file");
        }
        long n = ByteBuffer.wrap(src.readBytes(0, 8, "safetensors header length")).order(ByteOrder.LITTLE_ENDIAN)
                .getLong();
        if (n < 0 || n > MAX_HEADER) {
            throw new CheckpointException(path, null, 0, "safetensors header length " + Long.toUnsignedString(n)
                    + " exceeds the limit of " + MAX_HEADER + " bytes");
        }
        if (n > size - 8) {
            throw new CheckpointException(path, null, 0, "safetensors header length " + n + " runs past the end"
                    + " of the file (" + size + " bytes; truncated?)");
        }
        byte[] header = src.readBytes(8, (int) n, REGION);
        if (n == 0 || header[0] != '{') {
            throw err(path, 0, "header does not start with '{'");
        }
        Object parsed;
        try {
            parsed = Json.parse(header, 64);
        } catch (Json.ParseException e) {
            throw new CheckpointException(path, REGION, e.position, "malformed JSON: " + e.getMessage(), e);
        }
        if (!(parsed instanceof Map<?, ?> top)) {
            throw err(path, 0, "header is not a JSON object");
        }
        long dataStart = 8 + n;
        long dataLen = size - dataStart;
        Map<String, String> meta = new LinkedHashMap<>();
        record Info(String name, TorchDType dtype, long[] shape, long numel, long begin, long end) {
        }
        List<Info> infos = new ArrayList<>();
        for (Map.Entry<?, ?> e : top.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals(META)) {
                if (!(e.getValue() instanceof Map<?, ?> m)) {
                    throw err(path, -1, "__metadata__ must be an object of strings");
                }
                for (Map.Entry<?, ?> me : m.entrySet()) {
                    if (!(me.getValue() instanceof String s)) {
                        throw err(path, -1, "__metadata__ value of '" + me.getKey() + "' is not a string");
                    }
                    meta.put((String) me.getKey(), s);
                }
                continue;
            }
            if (!(e.getValue() instanceof Map<?, ?> t)) {
                throw err(path, -1, "entry '" + name + "' is not an object");
            }
            for (Object k : t.keySet()) {
                if (!k.equals("dtype") && !k.equals("shape") && !k.equals("data_offsets")) {
                    throw err(path, -1, "entry '" + name + "' has an unknown field '" + k + "'");
                }
            }
            if (!(t.get("dtype") instanceof String code)) {
                throw err(path, -1, "entry '" + name + "' has no dtype string");
            }
            TorchDType dtype = TorchDType.fromSafetensorsName(code);
            if (dtype == null) {
                throw err(path, -1, "entry '" + name + "' has unsupported dtype " + code + " (supported: "
                        + supportedCodes() + ")");
            }
            if (!(t.get("shape") instanceof List<?> shapeList) || shapeList.size() > TensorRef.MAX_DIMS) {
                throw err(path, -1, "entry '" + name + "' needs a shape array of at most " + TensorRef.MAX_DIMS
                        + " ints");
            }
            long[] shape = new long[shapeList.size()];
            long numel = 1;
            for (int i = 0; i < shape.length; i++) {
                if (!(shapeList.get(i) instanceof Long d) || d < 0) {
                    throw err(path, -1, "entry '" + name + "' has an invalid shape " + shapeList);
                }
                shape[i] = d;
                try {
                    numel = Math.multiplyExact(numel, d);
                } catch (ArithmeticException ex) {
                    throw err(path, -1, "entry '" + name + "' shape " + shapeList + " overflows");
                }
            }
            if (!(t.get("data_offsets") instanceof List<?> off) || off.size() != 2
                    || !(off.get(0) instanceof Long begin) || !(off.get(1) instanceof Long end)
                    || begin < 0 || end < begin) {
                throw err(path, -1, "entry '" + name + "' needs data_offsets [begin, end] with 0 <= begin <= end");
            }
            long bytes;
            try {
                bytes = Math.multiplyExact(numel, dtype.byteSize());
            } catch (ArithmeticException ex) {
                throw err(path, -1, "entry '" + name + "' is too large");
            }
            if (end - begin != bytes) {
                throw err(path, -1, "entry '" + name + "' spans " + (end - begin) + " bytes but " + code + " "
                        + Arrays.toString(shape) + " needs " + bytes);
            }
            infos.add(new Info(name, dtype, shape, numel, begin, end));
        }
        List<Info> sorted = new ArrayList<>(infos);
        sorted.sort(Comparator.comparingLong(Info::begin).thenComparingLong(Info::end));
        long expect = 0;
        for (Info i : sorted) {
            if (i.begin() != expect) {
                throw err(path, -1, "entry '" + i.name() + "' starts at data byte " + i.begin() + " but the previous"
                        + " tensor ends at " + expect + " (gap or overlap)");
            }
            expect = i.end();
        }
        if (expect != dataLen) {
            throw new CheckpointException(path, null, dataStart + Math.min(expect, dataLen), "the tensors cover "
                    + expect + " data bytes but the file holds " + dataLen + " after the header"
                    + (expect > dataLen ? " (truncated?)" : " (trailing bytes)"));
        }
        LinkedHashMap<String, TensorRef> refs = new LinkedHashMap<>();
        for (Info i : infos) {
            Storage s = new Storage(src, i.name(), i.dtype(), i.numel(), ByteOrder.LITTLE_ENDIAN,
                    dataStart + i.begin(), false, 0, -1);
            refs.put(i.name(), TensorRef.contiguous(i.name(), s, i.shape(), i.numel()));
        }
        return new SafeTensors(path, src, Collections.unmodifiableMap(meta), refs);
    }

    private static String supportedCodes() {
        List<String> l = new ArrayList<>();
        for (TorchDType t : TorchDType.values()) {
            l.add(t.safetensorsName());
        }
        return String.join(", ", l);
    }

    /** @return the file */
    public Path path() {
        return path;
    }

    /** @return the {@code __metadata__} strings (empty if none); unmodifiable */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** @return every tensor, in header order, keyed by name (a new map; no data is read) */
    public LinkedHashMap<String, TensorRef> tensors() {
        return new LinkedHashMap<>(tensors);
    }

    /**
     * @param name a tensor name
     * @return its handle, or {@code null} if there is no such tensor
     */
    public TensorRef get(String name) {
        return tensors.get(name);
    }

    @Override
    public void close() {
        src.close();
    }

    // ---- writing -------------------------------------------------------------------------------

    /**
     * One tensor to write: dtype, shape and its elements as little-endian bytes in C order.
     *
     * @param dtype the element type
     * @param shape the shape ({@code []} for a scalar)
     * @param data exactly {@code numel * dtype.byteSize()} bytes, little-endian, from position to limit
     */
    public record Entry(TorchDType dtype, long[] shape, ByteBuffer data) {

        /** Checks that the data size matches dtype and shape. */
        public Entry {
            long n = 1;
            for (long d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
                }
                n = Math.multiplyExact(n, d);
            }
            if ((long) data.remaining() != Math.multiplyExact(n, (long) dtype.byteSize())) {
                throw new IllegalArgumentException(dtype + Arrays.toString(shape) + " needs " + n * dtype.byteSize()
                        + " bytes, got " + data.remaining());
            }
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        private static ByteBuffer le(int bytes) {
            return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        }

        /** @return a float32 entry */
        public static Entry of(float[] values, long... shape) {
            ByteBuffer b = le(Math.multiplyExact(values.length, 4));
            b.asFloatBuffer().put(values);
            return new Entry(TorchDType.FLOAT32, shape, b);
        }

        /** @return a float64 entry */
        public static Entry of(double[] values, long... shape) {
            ByteBuffer b = le(Math.multiplyExact(values.length, 8));
            b.asDoubleBuffer().put(values);
            return new Entry(TorchDType.FLOAT64, shape, b);
        }

        /** @return an int64 entry */
        public static Entry of(long[] values, long... shape) {
            ByteBuffer b = le(Math.multiplyExact(values.length, 8));
            b.asLongBuffer().put(values);
            return new Entry(TorchDType.INT64, shape, b);
        }

        /** @return an int32 entry */
        public static Entry of(int[] values, long... shape) {
            ByteBuffer b = le(Math.multiplyExact(values.length, 4));
            b.asIntBuffer().put(values);
            return new Entry(TorchDType.INT32, shape, b);
        }

        /** @return a bool entry */
        public static Entry of(boolean[] values, long... shape) {
            ByteBuffer b = le(values.length);
            for (boolean v : values) {
                b.put((byte) (v ? 1 : 0));
            }
            b.flip();
            return new Entry(TorchDType.BOOL, shape, b);
        }

        /**
         * @param dtype the element type (e.g. FLOAT16, BFLOAT16, INT8, UINT8)
         * @param littleEndian the elements' bytes, little-endian, C order (copied)
         * @return an entry of any dtype
         */
        public static Entry ofBytes(TorchDType dtype, byte[] littleEndian, long... shape) {
            return new Entry(dtype, shape, ByteBuffer.wrap(littleEndian.clone()).order(ByteOrder.LITTLE_ENDIAN));
        }

        /**
         * Copies a checkpoint tensor unchanged (same dtype, shape and values).
         *
         * @throws CheckpointException if its data cannot be read
         */
        public static Entry of(TensorRef t) throws CheckpointException {
            return new Entry(t.dtype(), t.shape(), t.readRawBytes());
        }

        /**
         * Copies an engine array (its dtype must be one of {@link TorchDType}'s).
         *
         * @throws IllegalArgumentException for other data types
         */
        public static Entry of(NDArray array) {
            DataType dt = array.getDataType();
            TorchDType t = TorchDType.fromDjl(dt);
            if (t == null) {
                throw new IllegalArgumentException("cannot store NDArray of type " + dt + " in safetensors");
            }
            long[] shape = array.getShape().getShape();
            ByteBuffer src = array.toByteBuffer().order(ByteOrder.nativeOrder());
            ByteBuffer out = le(src.remaining());
            int es = t.byteSize();
            if (es == 1 || ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
                out.put(src);
            } else {
                byte[] tmp = new byte[es];
                while (src.hasRemaining()) {
                    src.get(tmp);
                    for (int j = es - 1; j >= 0; j--) {
                        out.put(tmp[j]);
                    }
                }
            }
            out.flip();
            return new Entry(t, shape, out);
        }
    }

    /**
     * Writes tensors and metadata to a safetensors file (atomically: a temporary file is renamed).
     *
     * @param path the file to create or replace
     * @param tensors tensors by name, written in map order
     * @param metadata string metadata stored under {@code __metadata__} (may be empty or {@code null})
     * @throws IOException if the file cannot be written
     */
    public static void write(Path path, Map<String, Entry> tensors, Map<String, String> metadata)
            throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) {
            header.put(META, new LinkedHashMap<>(metadata));
        }
        long offset = 0;
        for (Map.Entry<String, Entry> e : tensors.entrySet()) {
            if (e.getKey().equals(META)) {
                throw new IllegalArgumentException("'" + META + "' is reserved and cannot name a tensor");
            }
            Entry t = e.getValue();
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", t.dtype().safetensorsName());
            List<Object> shape = new ArrayList<>();
            for (long d : t.shape()) {
                shape.add(d);
            }
            info.put("shape", shape);
            long len = t.data().remaining();
            info.put("data_offsets", List.of(offset, offset + len));
            offset += len;
            header.put(e.getKey(), info);
        }
        byte[] json = Json.write(header, -1).getBytes(StandardCharsets.UTF_8);
        int pad = (8 - (8 + json.length) % 8) % 8;
        byte[] hdr = Arrays.copyOf(json, json.length + pad);
        Arrays.fill(hdr, json.length, hdr.length, (byte) ' ');
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path tmp = Files.createTempFile(parent, path.getFileName().toString(), ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                    OutputStream out = new java.io.BufferedOutputStream(Channels.newOutputStream(ch), 1 << 20)) {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(hdr.length);
                out.write(len.array());
                out.write(hdr);
                byte[] chunk = new byte[1 << 20];
                for (Entry t : tensors.values()) {
                    ByteBuffer d = t.data().duplicate();
                    while (d.hasRemaining()) {
                        int n = Math.min(chunk.length, d.remaining());
                        d.get(chunk, 0, n);
                        out.write(chunk, 0, n);
                    }
                }
            }
            try {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Writes engine arrays and metadata to a safetensors file.
     *
     * @param path the file to create or replace
     * @param arrays arrays by name, written in map order (dtypes must be one of {@link TorchDType}'s)
     * @param metadata string metadata (may be empty or {@code null})
     * @throws IOException if the file cannot be written
     */
    public static void writeNDArrays(Path path, Map<String, NDArray> arrays, Map<String, String> metadata)
            throws IOException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            entries.put(e.getKey(), Entry.of(e.getValue()));
        }
        write(path, entries, metadata);
    }
}
