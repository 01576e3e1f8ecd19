package dev.fiber.core.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal, strict reader of a zip archive's central directory (including zip64), written for the
 * files {@code torch.save} produces: it locates each record's bytes so that they can be read in place
 * with random access, without decompressing or reading anything else. Every size and offset is
 * checked against the file before it is used.
 */
final class ZipArchive {

    static final int LOCAL_SIG = 0x04034b50;
    static final int CENTRAL_SIG = 0x02014b50;
    static final int EOCD_SIG = 0x06054b50;
    static final int ZIP64_LOCATOR_SIG = 0x07064b50;
    static final int ZIP64_EOCD_SIG = 0x06064b50;

    private static final int EOCD_SIZE = 22;
    private static final int CENTRAL_SIZE = 46;
    private static final int LOCAL_SIZE = 30;

    /**
     * One record of the central directory.
     *
     * @param name the record's path inside the archive
     * @param method compression method (0 stored, 8 deflated)
     * @param crc CRC-32 of the uncompressed data
     * @param compressedSize bytes in the file
     * @param size uncompressed bytes
     * @param localHeaderOffset file offset of the local header
     * @param centralOffset file offset of the central directory entry (for error messages)
     */
    record Entry(String name, int method, long crc, long compressedSize, long size, long localHeaderOffset,
            long centralOffset) {
    }

    private final FileSource src;
    private final long centralDirOffset;
    private final Map<String, Entry> entries;

    private ZipArchive(FileSource src, long centralDirOffset, Map<String, Entry> entries) {
        this.src = src;
        this.centralDirOffset = centralDirOffset;
        this.entries = entries;
    }

    private static CheckpointException err(Path file, long pos, String reason) {
        return new CheckpointException(file, null, pos, "zip archive: " + reason);
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Reads and checks the central directory. */
    static ZipArchive read(FileSource src) throws CheckpointException {
        Path file = src.path();
        long size = src.size();
        if (size < EOCD_SIZE) {
            throw err(file, -1, "file of " + size + " bytes is too short to be a zip archive (truncated?)");
        }
        int tailLen = (int) Math.min(size, EOCD_SIZE + 0xFFFFL);
        long tailStart = size - tailLen;
        byte[] tail = src.readBytes(tailStart, tailLen, "zip end-of-central-directory search");
        ByteBuffer t = le(tail);
        int eocd = -1;
        int loose = -1;
        for (int i = tailLen - EOCD_SIZE; i >= 0; i--) {
            if (t.getInt(i) == EOCD_SIG) {
                int commentLen = t.getShort(i + 20) & 0xFFFF;
                if (i + EOCD_SIZE + commentLen == tailLen) {
                    eocd = i;
                    break;
                }
                if (loose < 0 && i + EOCD_SIZE + commentLen <= tailLen) {
                    loose = i;
                }
            }
        }
        if (eocd < 0) {
            eocd = loose;
        }
        if (eocd < 0) {
            throw err(file, -1, "end-of-central-directory record not found: the file is truncated or not a zip"
                    + " archive");
        }
        long eocdPos = tailStart + eocd;
        int disk = t.getShort(eocd + 4) & 0xFFFF;
        int cdDisk = t.getShort(eocd + 6) & 0xFFFF;
        long count = t.getShort(eocd + 10) & 0xFFFF;
        long cdSize = t.getInt(eocd + 12) & 0xFFFFFFFFL;
        long cdOffset = t.getInt(eocd + 16) & 0xFFFFFFFFL;
        long cdEnd = eocdPos;

        if (eocdPos >= 20) {
            byte[] locBytes = src.readBytes(eocdPos - 20, 20, "zip64 end-of-central-directory locator");
            ByteBuffer loc = le(locBytes);
            if (loc.getInt(0) == ZIP64_LOCATOR_SIG) {
                long z64Pos = loc.getLong(8);
                if (z64Pos < 0 || z64Pos > eocdPos - 20 - 56) {
                    throw err(file, eocdPos - 20, "zip64 end-of-central-directory offset " + z64Pos
                            + " is outside the file");
                }
                ByteBuffer z = le(src.readBytes(z64Pos, 56, "zip64 end-of-central-directory record"));
                if (z.getInt(0) != ZIP64_EOCD_SIG) {
                    throw err(file, z64Pos, "bad zip64 end-of-central-directory signature");
                }
                disk = z.getInt(16);
                cdDisk = z.getInt(20);
                count = z.getLong(32);
                cdSize = z.getLong(40);
                cdOffset = z.getLong(48);
                cdEnd = z64Pos;
            }
        }
        if (disk != 0 || cdDisk != 0) {
            throw err(file, eocdPos, "multi-volume zip archives are not supported");
        }
        if (cdOffset < 0 || cdSize < 0 || cdOffset > cdEnd || cdSize > cdEnd - cdOffset) {
            throw err(file, eocdPos, "central directory (offset " + cdOffset + ", " + cdSize
                    + " bytes) lies outside the file (truncated?)");
        }
        if (count < 0 || count > cdSize / CENTRAL_SIZE) {
            throw err(file, eocdPos, "central directory claims " + count + " entries in " + cdSize + " bytes");
        }
        if (cdSize > Storage.MAX_ARRAY_BYTES) {
            throw err(file, eocdPos, "central directory of " + cdSize + " bytes is too large");
        }
        ByteBuffer cd = le(src.readBytes(cdOffset, (int) cdSize, "zip central directory"));
        Map<String, Entry> map = new LinkedHashMap<>();
        int p = 0;
        for (long i = 0; i < count; i++) {
            long at = cdOffset + p;
            if (p + CENTRAL_SIZE > cdSize) {
                throw err(file, at, "central directory entry " + i + " runs past the directory");
            }
            if (cd.getInt(p) != CENTRAL_SIG) {
                throw err(file, at, "bad central directory entry signature");
            }
            int flags = cd.getShort(p + 8) & 0xFFFF;
            int method = cd.getShort(p + 10) & 0xFFFF;
            long crc = cd.getInt(p + 16) & 0xFFFFFFFFL;
            long csize = cd.getInt(p + 20) & 0xFFFFFFFFL;
            long usize = cd.getInt(p + 24) & 0xFFFFFFFFL;
            int nameLen = cd.getShort(p + 28) & 0xFFFF;
            int extraLen = cd.getShort(p + 30) & 0xFFFF;
            int commentLen = cd.getShort(p + 32) & 0xFFFF;
            int diskStart = cd.getShort(p + 34) & 0xFFFF;
            long local = cd.getInt(p + 42) & 0xFFFFFFFFL;
            long entryLen = (long) CENTRAL_SIZE + nameLen + extraLen + commentLen;
            if (p + entryLen > cdSize) {
                throw err(file, at, "central directory entry " + i + " runs past the directory");
            }
            String name = new String(tail0(cd, p + CENTRAL_SIZE, nameLen), StandardCharsets.UTF_8);
            int x = p + CENTRAL_SIZE + nameLen;
            int xEnd = x + extraLen;
            while (x + 4 <= xEnd) {
                int id = cd.getShort(x) & 0xFFFF;
                int len = cd.getShort(x + 2) & 0xFFFF;
                if (x + 4 + len > xEnd) {
                    throw err(file, at, "extra field of entry '" + name + "' runs past its end");
                }
                if (id == 0x0001) {
                    int q = x + 4;
                    int qEnd = q + len;
                    if (usize == 0xFFFFFFFFL) {
                        usize = zip64Field(cd, q, qEnd, file, at, name);
                        q += 8;
                    }
                    if (csize == 0xFFFFFFFFL) {
                        csize = zip64Field(cd, q, qEnd, file, at, name);
                        q += 8;
                    }
                    if (local == 0xFFFFFFFFL) {
                        local = zip64Field(cd, q, qEnd, file, at, name);
                        q += 8;
                    }
                    if (diskStart == 0xFFFF) {
                        if (q + 4 > qEnd) {
                            throw err(file, at, "zip64 extra field of '" + name + "' is too short");
                        }
                        diskStart = cd.getInt(q);
                    }
                }
                x += 4 + len;
            }
            if ((flags & 1) != 0) {
                throw err(file, at, "entry '" + name + "' is encrypted");
            }
            if (method != 0 && method != 8) {
                throw err(file, at, "entry '" + name + "' uses unsupported compression method " + method);
            }
            if (diskStart != 0) {
                throw err(file, at, "entry '" + name + "' starts on another volume");
            }
            if (csize < 0 || usize < 0 || local < 0) {
                throw err(file, at, "entry '" + name + "' has a size or offset beyond 2^63");
            }
            if (method == 0 && csize != usize) {
                throw err(file, at, "stored entry '" + name + "' has compressed size " + csize
                        + " != size " + usize);
            }
            if (local > cdOffset || csize > cdOffset - local) {
                throw err(file, at, "entry '" + name + "' (offset " + local + ", " + csize
                        + " bytes) lies outside the archive data (truncated?)");
            }
            if (map.containsKey(name)) {
                throw err(file, at, "duplicate entry '" + name + "'");
            }
            map.put(name, new Entry(name, method, crc, csize, usize, local, at));
            p += (int) entryLen;
        }
        return new ZipArchive(src, cdOffset, Collections.unmodifiableMap(map));
    }

    private static byte[] tail0(ByteBuffer b, int off, int len) {
        byte[] out = new byte[len];
        b.get(off, out);
        return out;
    }

    private static long zip64Field(ByteBuffer cd, int q, int qEnd, Path file, long at, String name)
            throws CheckpointException {
        if (q + 8 > qEnd) {
            throw err(file, at, "zip64 extra field of '" + name + "' is too short");
        }
        return cd.getLong(q);
    }

    /** @return the entries in directory order, keyed by name */
    Map<String, Entry> entries() {
        return entries;
    }

    /** @return names of all entries, in directory order */
    List<String> names() {
        return new ArrayList<>(entries.keySet());
    }

    /**
     * Reads the local header of {@code e} and returns the file offset of its data, after checking
     * that the header matches the central directory and the data lies inside the archive.
     */
    long dataOffset(Entry e) throws CheckpointException {
        Path file = src.path();
        long lh = e.localHeaderOffset();
        if (lh > centralDirOffset - LOCAL_SIZE) {
            throw err(file, lh, "local header of '" + e.name() + "' lies outside the archive data");
        }
        ByteBuffer h = le(src.readBytes(lh, LOCAL_SIZE, "zip local header of " + e.name()));
        if (h.getInt(0) != LOCAL_SIG) {
            throw err(file, lh, "bad local header signature for '" + e.name() + "'");
        }
        int method = h.getShort(8) & 0xFFFF;
        int nameLen = h.getShort(26) & 0xFFFF;
        int extraLen = h.getShort(28) & 0xFFFF;
        if (method != e.method()) {
            throw err(file, lh, "local header of '" + e.name() + "' says compression method " + method
                    + " but the central directory says " + e.method());
        }
        long data = lh + LOCAL_SIZE + nameLen + extraLen;
        if (data > centralDirOffset || e.compressedSize() > centralDirOffset - data) {
            throw err(file, lh, "data of '" + e.name() + "' (" + e.compressedSize() + " bytes at offset " + data
                    + ") runs into the central directory (truncated or corrupt archive)");
        }
        byte[] name = src.readBytes(lh + LOCAL_SIZE, nameLen, "zip local header name of " + e.name());
        if (!new String(name, StandardCharsets.UTF_8).equals(e.name())) {
            throw err(file, lh, "local header name '" + new String(name, StandardCharsets.UTF_8)
                    + "' does not match the central directory name '" + e.name() + "'");
        }
        return data;
    }

}
