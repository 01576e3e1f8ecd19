package dev.fiber.tasks.retrieval;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Reads and writes an {@link EmbeddingIndex} as a <a href="https://github.com/huggingface/safetensors">
 * safetensors</a> file: tensors {@code ids} (I64, [n]) and {@code embeddings} (F32, [n, dim]), and
 * {@code __metadata__} {@code {"format": "fiber-embedding-index", "version": "1"}}. A deliberately minimal
 * implementation of the format (only these two dtypes, header checks for what this class writes); any
 * safetensors reader (Python {@code safetensors.numpy.load_file}, fiber-core's reader) can open the files.
 */
final class IndexFile {

    static final String FORMAT = "fiber-embedding-index";
    private static final long MAX_HEADER = 100_000_000L;
    private static final int CHUNK = 1 << 20;

    private IndexFile() {}

    static void write(Path path, long[] ids, float[] data, int size, int dim) throws IOException {
        long idsBytes = 8L * size;
        long embBytes = 4L * size * dim;
        JsonObject header = new JsonObject();
        JsonObject meta = new JsonObject();
        meta.addProperty("format", FORMAT);
        meta.addProperty("version", "1");
        header.add("__metadata__", meta);
        header.add("ids", tensor("I64", new long[] {size}, 0, idsBytes));
        header.add("embeddings", tensor("F32", new long[] {size, dim}, idsBytes, idsBytes + embBytes));
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        Path abs = path.toAbsolutePath();
        if (abs.getParent() != null) {
            Files.createDirectories(abs.getParent());
        }
        Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(ch, head);
            ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            for (int done = 0; done < size; ) {
                int n = Math.min(CHUNK / 8, size - done);
                buf.clear();
                buf.asLongBuffer().put(ids, done, n);
                buf.limit(n * 8);
                writeFully(ch, buf);
                done += n;
            }
            int total = size * dim;
            for (int done = 0; done < total; ) {
                int n = Math.min(CHUNK / 4, total - done);
                buf.clear();
                buf.asFloatBuffer().put(data, done, n);
                buf.limit(n * 4);
                writeFully(ch, buf);
                done += n;
            }
        }
        try {
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The loaded arrays. */
    record Content(long[] ids, float[] embeddings, int size, int dim, Map<String, String> metadata) {}

    static Content read(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString(), null, "embedding index file not found");
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, path);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > fileSize) {
                throw new IOException(path + ": not a safetensors file (header length " + headerLen + ", file size "
                        + fileSize + ")");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8, path);
            JsonObject header;
            try {
                header = JsonParser.parseString(new String(hb.array(), StandardCharsets.UTF_8)).getAsJsonObject();
            } catch (JsonParseException | IllegalStateException e) {
                throw new IOException(path + ": safetensors header is not a JSON object", e);
            }
            JsonObject meta = header.has("__metadata__") ? header.getAsJsonObject("__metadata__") : new JsonObject();
            if (!meta.has("format") || !FORMAT.equals(meta.get("format").getAsString())) {
                throw new IOException(path + ": a safetensors file but not a fiber embedding index (metadata "
                        + meta + ")");
            }
            long dataStart = 8 + headerLen;
            long dataLen = fileSize - dataStart;
            long[] idsShape = shape(header, "ids", "I64", path);
            long[] embShape = shape(header, "embeddings", "F32", path);
            if (idsShape.length != 1 || embShape.length != 2 || embShape[0] != idsShape[0] || embShape[1] <= 0) {
                throw new IOException(path + ": inconsistent shapes ids " + java.util.Arrays.toString(idsShape)
                        + ", embeddings " + java.util.Arrays.toString(embShape));
            }
            if (embShape[0] * embShape[1] > Integer.MAX_VALUE - 8) {
                throw new IOException(path + ": index too large for one Java array (" + embShape[0] + " x "
                        + embShape[1] + ")");
            }
            int size = (int) idsShape[0];
            int dim = (int) embShape[1];
            long[] idsRange = range(header, "ids", 8L * size, dataLen, path);
            long[] embRange = range(header, "embeddings", 4L * size * dim, dataLen, path);
            long[] ids = new long[size];
            float[] emb = new float[size * dim];
            ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            long pos = dataStart + idsRange[0];
            int filled = 0;
            while (filled < size) {
                int want = Math.min(CHUNK / 8, size - filled);
                buf.clear().limit(want * 8);
                readFully(ch, buf, pos, path);
                buf.flip();
                buf.asLongBuffer().get(ids, filled, want);
                filled += want;
                pos += want * 8L;
            }
            pos = dataStart + embRange[0];
            filled = 0;
            while (filled < emb.length) {
                int want = Math.min(CHUNK / 4, emb.length - filled);
                buf.clear().limit(want * 4);
                readFully(ch, buf, pos, path);
                buf.flip();
                buf.asFloatBuffer().get(emb, filled, want);
                filled += want;
                pos += want * 4L;
            }
            Map<String, String> metadata = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : meta.entrySet()) {
                metadata.put(e.getKey(), e.getValue().getAsString());
            }
            return new Content(ids, emb, size, dim, metadata);
        }
    }

    private static JsonObject tensor(String dtype, long[] shape, long begin, long end) {
        JsonObject t = new JsonObject();
        t.addProperty("dtype", dtype);
        JsonArray s = new JsonArray();
        for (long d : shape) {
            s.add(d);
        }
        t.add("shape", s);
        JsonArray off = new JsonArray();
        off.add(begin);
        off.add(end);
        t.add("data_offsets", off);
        return t;
    }

    private static long[] shape(JsonObject header, String name, String dtype, Path path) throws IOException {
        if (!header.has(name) || !header.get(name).isJsonObject()) {
            throw new IOException(path + ": no tensor \"" + name + "\"");
        }
        JsonObject t = header.getAsJsonObject(name);
        if (!dtype.equals(t.get("dtype").getAsString())) {
            throw new IOException(path + ": tensor \"" + name + "\" has dtype " + t.get("dtype").getAsString()
                    + ", expected " + dtype);
        }
        JsonArray s = t.getAsJsonArray("shape");
        long[] shape = new long[s.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = s.get(i).getAsLong();
            if (shape[i] < 0) {
                throw new IOException(path + ": negative dimension in \"" + name + "\"");
            }
        }
        return shape;
    }

    private static long[] range(JsonObject header, String name, long bytes, long dataLen, Path path) throws IOException {
        JsonArray off = header.getAsJsonObject(name).getAsJsonArray("data_offsets");
        long begin = off.get(0).getAsLong();
        long end = off.get(1).getAsLong();
        if (begin < 0 || end - begin != bytes || end > dataLen) {
            throw new IOException(path + ": tensor \"" + name + "\" byte range [" + begin + ", " + end
                    + ") does not fit its shape (" + bytes + " bytes) or the file (" + dataLen + " data bytes)");
        }
        return new long[] {begin, end};
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos, Path path) throws IOException {
        long p = pos;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, p);
            if (n < 0) {
                throw new IOException(path + ": truncated safetensors file");
            }
            p += n;
        }
    }
}
