package dev.fiber.core.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Where the raw bytes of one tensor storage live in a checkpoint file: a zip record
 * ({@code archive/data/<key>}, normally stored uncompressed), a record of the legacy format, or a
 * tensor's byte range in a safetensors file. Knows its element type, element count and byte order;
 * reads only the ranges asked for. A zip record's CRC-32 is checked whenever the whole record is read.
 */
final class Storage {

    /** Largest byte array the reader will allocate for one read. */
    static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 16;

    private final FileSource source;
    private final String name;
    private final TorchDType dtype;
    private final long numel;
    private final ByteOrder order;
    private final boolean deflated;
    private final long compressedSize;
    private final long crc;
    private long dataOffset;
    private volatile boolean crcVerified;

    /**
     * @param dataOffset file offset of the first byte, or -1 if not yet known (legacy format)
     * @param deflated whether the record is deflate-compressed ({@code compressedSize} bytes in the file)
     * @param crc expected CRC-32 of the uncompressed bytes, or -1 if the format has none
     */
    Storage(FileSource source, String name, TorchDType dtype, long numel, ByteOrder order, long dataOffset,
            boolean deflated, long compressedSize, long crc) {
        this.source = source;
        this.name = name;
        this.dtype = dtype;
        this.numel = numel;
        this.order = order;
        this.dataOffset = dataOffset;
        this.deflated = deflated;
        this.compressedSize = compressedSize;
        this.crc = crc;
    }

    String name() {
        return name;
    }

    TorchDType dtype() {
        return dtype;
    }

    long numel() {
        return numel;
    }

    long nbytes() {
        return numel * dtype.byteSize();
    }

    ByteOrder order() {
        return order;
    }

    Path file() {
        return source.path();
    }

    boolean isDeflated() {
        return deflated;
    }

    boolean hasUnverifiedCrc() {
        return crc >= 0 && !crcVerified;
    }

    void bind(long offset) {
        this.dataOffset = offset;
    }

    boolean isBound() {
        return dataOffset >= 0;
    }

    private CheckpointException error(String reason) {
        return new CheckpointException(source.path(), "storage " + name, -1, reason);
    }

    private void checkReadable() throws CheckpointException {
        if (dataOffset < 0) {
            throw error("storage has no data record");
        }
        if (!source.isOpen()) {
            throw error("the checkpoint file is closed; read tensors before closing it");
        }
    }

    /**
     * Reads {@code dst.remaining()} bytes starting at element {@code startElem} (stored records only).
     */
    void read(long startElem, ByteBuffer dst) throws CheckpointException {
        checkReadable();
        long byteOff = startElem * dtype.byteSize();
        if (startElem < 0 || byteOff + dst.remaining() > nbytes()) {
            throw error("read of " + dst.remaining() + " bytes at element " + startElem
                    + " overruns the storage of " + numel + " elements");
        }
        source.read(dataOffset + byteOff, dst, "storage " + name);
    }

    /** Reads {@code count} elements starting at {@code startElem} into a new buffer in storage byte order. */
    ByteBuffer readRange(long startElem, long count) throws CheckpointException {
        long bytes = count * dtype.byteSize();
        if (bytes > MAX_ARRAY_BYTES) {
            throw error("a read of " + bytes + " bytes is too large for one array");
        }
        ByteBuffer b = ByteBuffer.allocate((int) bytes).order(order);
        read(startElem, b);
        b.flip();
        return b;
    }

    /** Checks the CRC-32 computed over a sequential read of the whole record, and remembers success. */
    void verifyCrc(CRC32 running) throws CheckpointException {
        if (crc >= 0 && running.getValue() != crc) {
            throw error(String.format("CRC-32 mismatch: the record's data is corrupt (expected %08x, got %08x)",
                    crc, running.getValue()));
        }
        crcVerified = true;
    }

    /**
     * Reads (and for a deflated record inflates) the whole storage, checking its CRC-32.
     *
     * @return the bytes, in storage byte order
     */
    ByteBuffer readAll() throws CheckpointException {
        checkReadable();
        long bytes = nbytes();
        if (bytes > MAX_ARRAY_BYTES) {
            throw error("storage of " + bytes + " bytes is too large to read at once");
        }
        byte[] out = new byte[(int) bytes];
        if (!deflated) {
            source.read(dataOffset, ByteBuffer.wrap(out), "storage " + name);
        } else {
            inflate(out);
        }
        if (crc >= 0) {
            CRC32 c = new CRC32();
            c.update(out);
            verifyCrc(c);
        }
        return ByteBuffer.wrap(out).order(order);
    }

    private void inflate(byte[] out) throws CheckpointException {
        Inflater inf = new Inflater(true);
        try {
            byte[] in = new byte[(int) Math.min(1 << 20, Math.max(1, compressedSize))];
            long inPos = 0;
            int outPos = 0;
            while (outPos < out.length && !inf.finished()) {
                if (inf.needsInput()) {
                    if (inPos >= compressedSize) {
                        break;
                    }
                    int n = (int) Math.min(in.length, compressedSize - inPos);
                    source.read(dataOffset + inPos, ByteBuffer.wrap(in, 0, n), "storage " + name);
                    inPos += n;
                    inf.setInput(in, 0, n);
                }
                int n = inf.inflate(out, outPos, out.length - outPos);
                outPos += n;
                if (n == 0 && inf.needsDictionary()) {
                    throw error("deflated record needs a preset dictionary");
                }
            }
            if (outPos != out.length) {
                throw error("deflated record holds " + outPos + " bytes, expected " + out.length);
            }
        } catch (DataFormatException e) {
            throw new CheckpointException(source.path(), "storage " + name, -1, "corrupt deflate data: "
                    + e.getMessage(), e);
        } finally {
            inf.end();
        }
    }
}
