package dev.fiber.core.checkpoint;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Test helper: writes small zip archives byte by byte (optionally with zip64 records and extra
 * fields, the way torch's writer may), finds records in them, and recomputes CRCs after a test has
 * edited a record on purpose.
 */
final class ZipTestFiles {

    private ZipTestFiles() {}

    /** Where one record lies in an archive. */
    record Located(String name, int centralOffset, int localOffset, int dataOffset, int size) {
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Lists the records of a plain (non-zip64) archive. */
    static List<Located> locate(byte[] zip) {
        ByteBuffer b = le(zip);
        int eocd = -1;
        for (int i = zip.length - 22; i >= 0; i--) {
            if (b.getInt(i) == 0x06054b50) {
                eocd = i;
                break;
            }
        }
        if (eocd < 0) {
            throw new IllegalArgumentException("no end of central directory");
        }
        int count = b.getShort(eocd + 10) & 0xFFFF;
        int p = b.getInt(eocd + 16);
        List<Located> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int nameLen = b.getShort(p + 28) & 0xFFFF;
            int extraLen = b.getShort(p + 30) & 0xFFFF;
            int commentLen = b.getShort(p + 32) & 0xFFFF;
            int size = b.getInt(p + 24);
            int local = b.getInt(p + 42);
            String name = new String(zip, p + 46, nameLen, StandardCharsets.UTF_8);
            int lNameLen = b.getShort(local + 26) & 0xFFFF;
            int lExtraLen = b.getShort(local + 28) & 0xFFFF;
            out.add(new Located(name, p, local, local + 30 + lNameLen + lExtraLen, size));
            p += 46 + nameLen + extraLen + commentLen;
        }
        return out;
    }

    /** @return a copy of the archive with every record's CRC-32 recomputed from its current bytes */
    static byte[] fixCrcs(byte[] zip) {
        byte[] out = zip.clone();
        ByteBuffer b = le(out);
        for (Located l : locate(zip)) {
            CRC32 c = new CRC32();
            c.update(out, l.dataOffset(), l.size());
            b.putInt(l.centralOffset() + 16, (int) c.getValue());
            b.putInt(l.localOffset() + 14, (int) c.getValue());
        }
        return out;
    }

    /** @return the record with this name suffix */
    static Located find(byte[] zip, String suffix) {
        for (Located l : locate(zip)) {
            if (l.name().endsWith(suffix)) {
                return l;
            }
        }
        throw new IllegalArgumentException("no record " + suffix);
    }

    /** Replaces one stored record's bytes (same or different length) and rebuilds the archive. */
    static byte[] replaceRecord(byte[] zip, String suffix, byte[] data) {
        Map<String, byte[]> records = new LinkedHashMap<>();
        for (Located l : locate(zip)) {
            byte[] d = new byte[l.size()];
            System.arraycopy(zip, l.dataOffset(), d, 0, l.size());
            records.put(l.name(), l.name().endsWith(suffix) ? data : d);
        }
        return write(records, false, false);
    }

    /** @return the bytes of a stored record */
    static byte[] record(byte[] zip, String suffix) {
        Located l = find(zip, suffix);
        byte[] d = new byte[l.size()];
        System.arraycopy(zip, l.dataOffset(), d, 0, l.size());
        return d;
    }

    /**
     * Writes an archive of stored records, each data start aligned to 64 bytes like torch's writer.
     *
     * @param zip64 write every size and offset through zip64 extra fields and a zip64 end record
     * @param deflateSmall deflate-compress records named {@code *data.pkl} (torch never does; readers should cope)
     */
    static byte[] write(Map<String, byte[]> records, boolean zip64, boolean deflateSmall) {
        return write(records, zip64, name -> deflateSmall && name.endsWith("data.pkl"));
    }

    /**
     * Writes an archive, deflating the records {@code deflate} selects.
     */
    static byte[] write(Map<String, byte[]> records, boolean zip64, java.util.function.Predicate<String> deflate) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream central = new ByteArrayOutputStream();
        int count = 0;
        for (Map.Entry<String, byte[]> e : records.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            byte[] data = e.getValue();
            CRC32 crc = new CRC32();
            crc.update(data);
            boolean compress = deflate.test(e.getKey());
            byte[] stored = compress ? deflate(data) : data;
            int method = compress ? 8 : 0;
            long offset = out.size();
            int base = out.size() + 30 + name.length + 4;
            int pad = (64 - base % 64) % 64;
            ByteBuffer lh = ByteBuffer.allocate(30).order(ByteOrder.LITTLE_ENDIAN);
            lh.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) method)
                    .putShort((short) 0).putShort((short) 0x21).putInt((int) crc.getValue())
                    .putInt(stored.length).putInt(data.length).putShort((short) name.length)
                    .putShort((short) (4 + pad));
            out.writeBytes(lh.array());
            out.writeBytes(name);
            ByteBuffer fb = ByteBuffer.allocate(4 + pad).order(ByteOrder.LITTLE_ENDIAN);
            fb.putShort((short) 0x4246).putShort((short) pad);
            out.writeBytes(fb.array());
            out.writeBytes(stored);

            ByteBuffer extra = ByteBuffer.allocate(zip64 ? 28 : 0).order(ByteOrder.LITTLE_ENDIAN);
            if (zip64) {
                extra.putShort((short) 1).putShort((short) 24).putLong(data.length).putLong(stored.length)
                        .putLong(offset);
            }
            ByteBuffer ch = ByteBuffer.allocate(46).order(ByteOrder.LITTLE_ENDIAN);
            ch.putInt(0x02014b50).putShort((short) 45).putShort((short) 45).putShort((short) 0)
                    .putShort((short) method).putShort((short) 0).putShort((short) 0x21).putInt((int) crc.getValue())
                    .putInt(zip64 ? -1 : stored.length).putInt(zip64 ? -1 : data.length)
                    .putShort((short) name.length).putShort((short) extra.capacity()).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0).putInt(0).putInt(zip64 ? -1 : (int) offset);
            central.writeBytes(ch.array());
            central.writeBytes(name);
            central.writeBytes(extra.array());
            count++;
        }
        long cdOffset = out.size();
        byte[] cd = central.toByteArray();
        out.writeBytes(cd);
        if (zip64) {
            long z64 = out.size();
            ByteBuffer z = ByteBuffer.allocate(56).order(ByteOrder.LITTLE_ENDIAN);
            z.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                    .putLong(count).putLong(count).putLong(cd.length).putLong(cdOffset);
            out.writeBytes(z.array());
            ByteBuffer loc = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
            loc.putInt(0x07064b50).putInt(0).putLong(z64).putInt(1);
            out.writeBytes(loc.array());
        }
        ByteBuffer eocd = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
        eocd.putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
                .putShort((short) (zip64 ? -1 : count)).putShort((short) (zip64 ? -1 : count))
                .putInt(zip64 ? -1 : cd.length).putInt(zip64 ? -1 : (int) cdOffset).putShort((short) 0);
        out.writeBytes(eocd.array());
        return out.toByteArray();
    }

    private static byte[] deflate(byte[] data) {
        java.util.zip.Deflater d = new java.util.zip.Deflater(9, true);
        d.setInput(data);
        d.finish();
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (!d.finished()) {
            o.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return o.toByteArray();
    }
}
