package dev.fiber.core.checkpoint;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The byte stream a pickle is read from: either an in-memory record or a region of the checkpoint
 * file read through a small window (the legacy format's pickles are followed by gigabytes of storage
 * data, which must not be read). Every read is bounds-checked against the region before anything is
 * allocated; running past the end is reported as a truncated pickle.
 */
final class PickleInput {

    private static final int WINDOW = 64 * 1024;

    private final Path file;
    private final String region;
    private final FileSource source;
    private final long base;
    private final long end;
    private byte[] buf;
    private long bufStart;
    private int bufLen;
    private long pos;

    /** A pickle held in memory; positions count from 0. */
    PickleInput(Path file, String region, byte[] data) {
        this.file = file;
        this.region = region;
        this.source = null;
        this.base = 0;
        this.end = data.length;
        this.buf = data;
        this.bufStart = 0;
        this.bufLen = data.length;
        this.pos = 0;
    }

    /**
     * A pickle read from {@code [start, end)} of a file.
     *
     * @param base offset subtracted from file positions in error messages (the region's start, or 0
     *     when positions are reported as file offsets)
     */
    PickleInput(FileSource source, String region, long start, long end, long base) {
        this.file = source.path();
        this.region = region;
        this.source = source;
        this.base = base;
        this.end = end;
        this.buf = new byte[0];
        this.bufStart = start;
        this.bufLen = 0;
        this.pos = start;
    }

    Path file() {
        return file;
    }

    String region() {
        return region;
    }

    /** @return the current position as reported in errors */
    long position() {
        return pos - base;
    }

    /** @return the current absolute position (file offset for file-backed input) */
    long absolutePosition() {
        return pos;
    }

    /** @return bytes left in the region */
    long remaining() {
        return end - pos;
    }

    CheckpointException error(long reportedPos, String reason) {
        return new CheckpointException(file, region, reportedPos, reason);
    }

    private CheckpointException truncated(long need) {
        return error(position(), "truncated pickle: needs " + need + " more byte(s) but only " + remaining()
                + " remain" + (region == null ? "" : " in " + region));
    }

    private void fill(long at, int min) throws CheckpointException {
        if (source == null) {
            throw truncated(min);
        }
        long avail = end - at;
        int n = (int) Math.min(Math.max(WINDOW, min), avail);
        if (n < min) {
            throw truncated(min);
        }
        if (buf.length < n) {
            buf = new byte[Math.max(n, WINDOW)];
        }
        source.read(at, ByteBuffer.wrap(buf, 0, n), "pickle data");
        bufStart = at;
        bufLen = n;
    }

    private int index(int need) throws CheckpointException {
        if (need > end - pos) {
            throw truncated(need);
        }
        if (pos < bufStart || pos + need > bufStart + bufLen) {
            fill(pos, need);
        }
        return (int) (pos - bufStart);
    }

    int readByte() throws CheckpointException {
        int i = index(1);
        pos++;
        return buf[i] & 0xFF;
    }

    int readUInt16() throws CheckpointException {
        int i = index(2);
        pos += 2;
        return (buf[i] & 0xFF) | (buf[i + 1] & 0xFF) << 8;
    }

    int readInt32() throws CheckpointException {
        int i = index(4);
        pos += 4;
        return (buf[i] & 0xFF) | (buf[i + 1] & 0xFF) << 8 | (buf[i + 2] & 0xFF) << 16 | (buf[i + 3] & 0xFF) << 24;
    }

    long readUInt32() throws CheckpointException {
        return readInt32() & 0xFFFFFFFFL;
    }

    long readInt64() throws CheckpointException {
        long lo = readUInt32();
        long hi = readUInt32();
        return lo | hi << 32;
    }

    double readDoubleBigEndian() throws CheckpointException {
        int i = index(8);
        pos += 8;
        long v = 0;
        for (int k = 0; k < 8; k++) {
            v = v << 8 | (buf[i + k] & 0xFF);
        }
        return Double.longBitsToDouble(v);
    }

    /**
     * Reads {@code n} bytes.
     *
     * @param max the largest length accepted for this kind of object
     * @param what what is read, for error messages
     */
    byte[] readBytes(long n, long max, String what) throws CheckpointException {
        if (n < 0) {
            throw error(position(), "negative length " + n + " for " + what);
        }
        if (n > remaining()) {
            throw error(position(), what + " of " + n + " bytes runs past the end of the pickle (" + remaining()
                    + " bytes remain)");
        }
        if (n > max) {
            throw error(position(), what + " of " + n + " bytes exceeds the limit of " + max + " bytes");
        }
        int len = (int) n;
        byte[] out = new byte[len];
        if (source == null || (pos >= bufStart && pos + len <= bufStart + bufLen)) {
            System.arraycopy(buf, index(len), out, 0, len);
        } else {
            source.read(pos, ByteBuffer.wrap(out), what);
        }
        pos += len;
        return out;
    }

    /** Skips {@code n} bytes (already checked to be available). */
    void skip(long n) throws CheckpointException {
        if (n < 0 || n > remaining()) {
            throw truncated(n);
        }
        pos += n;
    }

    /**
     * Reads up to and excluding the next newline (which is consumed).
     *
     * @param max the longest line accepted
     */
    byte[] readLine(int max, String what) throws CheckpointException {
        long start = pos;
        long limit = Math.min(end, start + (long) max + 1);
        long p = start;
        while (p < limit) {
            pos = p;
            int i = index(1);
            if (buf[i] == '\n') {
                pos = start;
                byte[] line = readBytes(p - start, max, what);
                pos++;
                return line;
            }
            p++;
        }
        pos = start;
        if (limit == end) {
            throw error(position(), "truncated pickle: " + what + " has no terminating newline");
        }
        throw error(position(), what + " is longer than " + max + " bytes");
    }
}
