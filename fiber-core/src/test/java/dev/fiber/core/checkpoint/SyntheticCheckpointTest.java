package dev.fiber.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints built byte by byte in the test: the variants torch 2.x and other writers produce
 * (zip64 records, any archive name, a byteorder record, compressed records, parameters and
 * subclass-rebuild wrappers, a multi-gigabyte storage that must never be read) and the malformed
 * descriptions a reader must refuse before allocating anything.
 */
class SyntheticCheckpointTest {

    @TempDir
    Path dir;

    static byte[] floats(ByteOrder order, float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(order);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    static float[] range(int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = i * 0.5f - 3;
        }
        return f;
    }

    /** {"w": tensor(storage "0", 12 floats, offset, shape, stride)} */
    static byte[] oneTensor(long numel, long offset, long[] shape, long[] stride) {
        return new PickleWriter().proto(2).emptyDict().str("w").tensor("FloatStorage", "0", numel, offset, shape, stride)
                .setitem().stop().bytes();
    }

    static byte[] torchZip(String root, byte[] pkl, Map<String, byte[]> storages, Map<String, byte[]> extra,
            boolean zip64, boolean deflateAll) {
        Map<String, byte[]> rec = new LinkedHashMap<>();
        rec.put(root + "/data.pkl", pkl);
        for (Map.Entry<String, byte[]> e : extra.entrySet()) {
            rec.put(root + "/" + e.getKey(), e.getValue());
        }
        for (Map.Entry<String, byte[]> e : storages.entrySet()) {
            rec.put(root + "/data/" + e.getKey(), e.getValue());
        }
        rec.put(root + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        return ZipTestFiles.write(rec, zip64, name -> deflateAll);
    }

    Path save(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    CheckpointException refused(byte[] file, String expect) throws IOException {
        Path p = save("bad.pt", file);
        CheckpointException e = assertThrows(CheckpointException.class, () -> {
            try (TorchCheckpoint c = TorchCheckpoint.open(p)) {
                for (TensorRef t : c.tensors().values()) {
                    t.readFloats();
                }
            }
        });
        assertTrue(e.getMessage().contains(expect), "expected '" + expect + "' in: " + e.getMessage());
        assertTrue(e.getMessage().contains("bad.pt"), e.getMessage());
        return e;
    }

    @Test
    void zip64DeflatedAnyArchiveNameAndTorch2Records() throws Exception {
        float[] v = range(12);
        byte[] pkl = oneTensor(12, 0, new long[] {3, 4}, new long[] {4, 1});
        Map<String, byte[]> extra = new LinkedHashMap<>();
        extra.put("byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        extra.put(".data/serialization_id", "1234567890".getBytes(StandardCharsets.US_ASCII));
        extra.put(".format_version", "1".getBytes(StandardCharsets.US_ASCII));
        for (boolean zip64 : new boolean[] {false, true}) {
            for (boolean deflate : new boolean[] {false, true}) {
                byte[] zip = torchZip("my archive", pkl, Map.of("0", floats(ByteOrder.LITTLE_ENDIAN, v)), extra, zip64,
                        deflate);
                try (TorchCheckpoint c = TorchCheckpoint.open(save("z.pt", zip))) {
                    assertEquals("my archive", c.archiveName());
                    assertArrayEquals(v, c.stateDict().get("w").readFloats(), 0f, "zip64=" + zip64 + " deflate=" + deflate);
                }
            }
        }
    }

    @Test
    void bigEndianStoragesFollowTheByteorderRecord() throws Exception {
        float[] v = range(6);
        byte[] pkl = oneTensor(6, 1, new long[] {2, 2}, new long[] {1, 2});
        byte[] zip = torchZip("be", pkl, Map.of("0", floats(ByteOrder.BIG_ENDIAN, v)),
                Map.of("byteorder", "big".getBytes(StandardCharsets.US_ASCII)), false, false);
        try (TorchCheckpoint c = TorchCheckpoint.open(save("be.pt", zip))) {
            assertEquals(ByteOrder.BIG_ENDIAN, c.byteOrder());
            assertArrayEquals(new float[] {v[1], v[3], v[2], v[4]}, c.stateDict().get("w").readFloats(), 0f);
            ByteBuffer raw = c.stateDict().get("w").readRawBytes();
            assertEquals(ByteOrder.LITTLE_ENDIAN, raw.order());
            assertEquals(v[1], raw.getFloat(0), 0f);
        }
        refused(torchZip("be", pkl, Map.of("0", floats(ByteOrder.BIG_ENDIAN, v)),
                Map.of("byteorder", "middle".getBytes(StandardCharsets.US_ASCII)), false, false), "byteorder");
    }

    @Test
    void parameterAndSubclassWrappersAndSevenArgumentRebuild() throws Exception {
        float[] v = range(4);
        PickleWriter w = new PickleWriter().proto(2).emptyDict().mark();
        w.str("param").global("torch._utils", "_rebuild_parameter").mark()
                .tensor("FloatStorage", "0", 4, 0, new long[] {4}, new long[] {1}).bool(true)
                .global("collections", "OrderedDict").emptyTuple().reduce().tuple().reduce();
        w.str("with_state").global("torch._utils", "_rebuild_parameter_with_state").mark()
                .tensor("FloatStorage", "0", 4, 2, new long[] {2}, new long[] {1}).bool(true)
                .global("collections", "OrderedDict").emptyTuple().reduce().emptyDict().tuple().reduce();
        w.str("subclass").global("torch._tensor", "_rebuild_from_type_v2").mark()
                .global("torch._utils", "_rebuild_tensor_v2").global("torch.nn.parameter", "Parameter").mark();
        w.storage("FloatStorage", "0", 4).integer(1).ints(3).ints(1).bool(false)
                .global("collections", "OrderedDict").emptyTuple().reduce().emptyDict().tuple();
        w.emptyDict().tuple().reduce();
        w.str("storage_only").storage("FloatStorage", "0", 4);
        w.str("size").global("torch", "Size").mark().ints(4).tuple().reduce();
        w.setitems().stop();
        byte[] zip = torchZip("p", w.bytes(), Map.of("0", floats(ByteOrder.LITTLE_ENDIAN, v)), Map.of(), false, false);
        try (TorchCheckpoint c = TorchCheckpoint.open(save("p.pt", zip))) {
            Map<String, TensorRef> all = c.tensors();
            assertEquals(List.of("param", "with_state", "subclass", "storage_only"), new ArrayList<>(all.keySet()));
            assertArrayEquals(v, all.get("param").readFloats(), 0f);
            assertArrayEquals(new float[] {v[2], v[3]}, all.get("with_state").readFloats(), 0f);
            assertArrayEquals(new float[] {v[1], v[2], v[3]}, all.get("subclass").readFloats(), 0f);
            assertArrayEquals(v, all.get("storage_only").readFloats(), 0f);
            assertEquals(List.of(4L), ((Map<?, ?>) c.root()).get("size"));
        }
    }

    @Test
    void storageDescriptionsAreValidatedBeforeAnyRead() throws Exception {
        byte[] data = floats(ByteOrder.LITTLE_ENDIAN, range(12));
        Map<String, byte[]> st = Map.of("0", data);
        refused(torchZip("a", oneTensor(12, 1, new long[] {3, 4}, new long[] {4, 1}), st, Map.of(), false, false),
                "needs element 12");
        refused(torchZip("a", oneTensor(12, 0, new long[] {4, 4}, new long[] {4, 1}), st, Map.of(), false, false),
                "needs element 15");
        refused(torchZip("a", oneTensor(12, 0, new long[] {3, 1L << 62}, new long[] {4, 1}), st, Map.of(), false, false),
                "more elements than a long");
        refused(torchZip("a", oneTensor(12, 0, new long[] {-3, 4}, new long[] {4, 1}), st, Map.of(), false, false),
                "negative size");
        refused(torchZip("a", oneTensor(12, 0, new long[] {3, 4}, new long[] {4, -1}), st, Map.of(), false, false),
                "negative stride");
        refused(torchZip("a", oneTensor(12, -1, new long[] {3, 4}, new long[] {4, 1}), st, Map.of(), false, false),
                "negative storage offset");
        refused(torchZip("a", oneTensor(12, Long.MAX_VALUE, new long[] {3, 4}, new long[] {4, 1}), st, Map.of(), false,
                false), "overflows");
        refused(torchZip("a", oneTensor(12, 0, new long[] {3, 4}, new long[] {4}), st, Map.of(), false, false),
                "2 sizes but 1 strides");
        refused(torchZip("a", oneTensor(13, 0, new long[] {3, 4}, new long[] {4, 1}), st, Map.of(), false, false),
                "holds 48 bytes but the pickle declares 13");
        refused(torchZip("a", oneTensor(1L << 62, 0, new long[] {3, 4}, new long[] {4, 1}), st, Map.of(), false,
                false), "too many");
        refused(torchZip("a", oneTensor(12, 0, new long[] {3, 4}, new long[] {4, 1}), Map.of("1", data), Map.of(), false,
                false), "missing storage record a/data/0");
        byte[] complex = new PickleWriter().proto(2).emptyDict().str("w").tensor("ComplexFloatStorage", "0", 6, 0,
                new long[] {6}, new long[] {1}).setitem().stop().bytes();
        UnsafeGlobalException u = (UnsafeGlobalException) refused(torchZip("a", complex, st, Map.of(), false, false),
                "torch.ComplexFloatStorage");
        assertEquals("torch.ComplexFloatStorage", u.globalName());
        // a stride-0 expansion may describe more elements than any array can hold: refused when read
        try (TorchCheckpoint c = TorchCheckpoint.open(save("x.pt", torchZip("a",
                oneTensor(12, 0, new long[] {1L << 40, 1L << 21}, new long[] {0, 0}), st, Map.of(), false, false)))) {
            TensorRef t = c.stateDict().get("w");
            assertEquals(1L << 61, t.numel());
            assertEquals(Long.MAX_VALUE, t.nbytes());
            for (org.junit.jupiter.api.function.Executable read : List.<org.junit.jupiter.api.function.Executable>of(
                    t::readFloats, t::readLongs, t::readDoubles, t::readRawBytes)) {
                assertThrows(CheckpointException.class, read);
            }
            CheckpointSummary.of(c).toText(true);
        }
        // a view that is empty may point anywhere and reads nothing
        try (TorchCheckpoint c = TorchCheckpoint.open(save("e.pt", torchZip("a",
                oneTensor(12, 1000, new long[] {0, 4}, new long[] {4, 1}), st, Map.of(), false, false)))) {
            assertEquals(0, c.stateDict().get("w").readFloats().length);
        }
    }

    @Test
    void corruptStorageBytesFailTheCrcWhenRead() throws Exception {
        byte[] zip = torchZip("c", oneTensor(12, 4, new long[] {2}, new long[] {1}),
                Map.of("0", floats(ByteOrder.LITTLE_ENDIAN, range(12))), Map.of(), false, false);
        ZipTestFiles.Located l = ZipTestFiles.find(zip, "data/0");
        zip[l.dataOffset() + 40] ^= 0x10; // outside the view, still caught: small records are checked whole
        Path p = save("c.pt", zip);
        try (TorchCheckpoint c = TorchCheckpoint.open(p)) {
            assertEquals(List.of("w"), new ArrayList<>(c.stateDict().keySet()), "listing reads no data");
            CheckpointException e = assertThrows(CheckpointException.class, () -> c.stateDict().get("w").readFloats());
            assertTrue(e.getMessage().contains("CRC-32 mismatch"), e.getMessage());
        }
    }

    @Test
    void cyclesAndDeepNestingAreRefused() throws Exception {
        byte[] cyc = java.util.HexFormat.of().parseHex("80025d71006800612e"); // l = []; l.append(l)
        refused(torchZip("c", cyc, Map.of(), Map.of(), false, false), "contains itself");
        PickleWriter w = new PickleWriter().proto(2);
        for (int i = 0; i < 2000; i++) {
            w.emptyList();
        }
        for (int i = 0; i < 1999; i++) {
            w.append();
        }
        refused(torchZip("c", w.stop().bytes(), Map.of(), Map.of(), false, false), "nested deeper");
    }

    @Test
    void zipStructureErrors() throws Exception {
        byte[] good = torchZip("z", oneTensor(12, 0, new long[] {12}, new long[] {1}),
                Map.of("0", floats(ByteOrder.LITTLE_ENDIAN, range(12))), Map.of(), false, false);
        Map<String, byte[]> noPkl = new LinkedHashMap<>();
        noPkl.put("z/other.pkl", new byte[] {1});
        refused(ZipTestFiles.write(noPkl, false, false), "no '<name>/data.pkl'");
        byte[] cut = java.util.Arrays.copyOf(good, good.length - 30);
        refused(cut, "end-of-central-directory");
        byte[] method = good.clone();
        ZipTestFiles.Located l = ZipTestFiles.find(method, "data.pkl");
        method[l.centralOffset() + 10] = 12; // bzip2
        refused(method, "unsupported compression method 12");
        byte[] offset = good.clone();
        ByteBuffer.wrap(offset).order(ByteOrder.LITTLE_ENDIAN).putInt(l.centralOffset() + 42, 0x7fffffff);
        refused(offset, "lies outside the archive data");
        byte[] enc = good.clone();
        enc[l.centralOffset() + 8] |= 1;
        refused(enc, "encrypted");
        refused("PK\u0003\u0004 but nothing else".getBytes(StandardCharsets.ISO_8859_1), "truncated");
        refused("PK\u0003\u0004 but nothing else, longer than twenty-two bytes".getBytes(StandardCharsets.ISO_8859_1),
                "end-of-central-directory");
        refused(new byte[0], "empty file");
    }

    @Test
    void legacyFormatErrors() throws Exception {
        byte[] good = Files.readAllBytes(TorchCheckpointCasesTest.file("views_legacy.pt"));
        refused(java.util.Arrays.copyOf(good, good.length - 10), "truncated file");
        refused(java.util.Arrays.copyOf(good, 700), "truncated pickle");
        byte[] magic = good.clone();
        magic[5] ^= 1;
        refused(magic, "wrong magic number");
        byte[] count = good.clone();
        // the first storage record's element count sits right after the key-list pickle (ends with "e." at 747)
        int at = indexOf(count, new byte[] {'e', '.'}, 707) + 2;
        count[at] = 47;
        refused(count, "holds 47 elements but the pickle declares 48");
    }

    private static int indexOf(byte[] b, byte[] pat, int from) {
        outer:
        for (int i = from; i <= b.length - pat.length; i++) {
            for (int j = 0; j < pat.length; j++) {
                if (b[i + j] != pat[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * A zip64 archive with a 5 GB storage (a sparse file, so it costs no disk) followed by a small
     * one: opening and reading the small tensor and a slice of the big one must not touch the rest.
     */
    @Test
    void multiGigabyteStorageIsNeverRead() throws Exception {
        String fs = Files.getFileStore(dir).type();
        Assumptions.assumeTrue(List.of("ext4", "ext3", "xfs", "btrfs", "tmpfs", "zfs", "f2fs", "overlay", "apfs")
                .contains(fs), "needs a file system with sparse files, got " + fs);
        Assumptions.assumeTrue(Files.getFileStore(dir).getUsableSpace() > (8L << 30),
                "needs room for a 5 GB sparse file");
        long bigNumel = (5L << 30) / 4;
        PickleWriter w = new PickleWriter().proto(2).emptyDict().mark();
        w.str("queue").tensor("FloatStorage", "0", bigNumel, 0, new long[] {bigNumel / 1024, 1024}, new long[] {1024, 1});
        w.str("small").tensor("FloatStorage", "1", 3, 0, new long[] {3}, new long[] {1});
        w.str("queue_row").tensor("FloatStorage", "0", bigNumel, 1024L * 1000_000, new long[] {1024},
                new long[] {1});
        w.setitems().stop();
        byte[] pkl = w.bytes();
        byte[] small = floats(ByteOrder.LITTLE_ENDIAN, 1f, 2f, 3f);
        Path p = dir.resolve("huge.ckpt");
        List<long[]> central = new ArrayList<>(); // {localOffset, size, crc}
        List<String> names = List.of("h/data.pkl", "h/data/0", "h/data/1");
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.SPARSE)) {
            long pos = 0;
            for (int i = 0; i < 3; i++) {
                byte[] name = names.get(i).getBytes(StandardCharsets.US_ASCII);
                long size = i == 0 ? pkl.length : i == 1 ? bigNumel * 4 : small.length;
                long crc = 0;
                if (i != 1) {
                    CRC32 c = new CRC32();
                    c.update(i == 0 ? pkl : small);
                    crc = c.getValue();
                }
                ByteBuffer lh = ByteBuffer.allocate(30 + name.length + 20).order(ByteOrder.LITTLE_ENDIAN);
                lh.putInt(0x04034b50).putShort((short) 45).putShort((short) 0).putShort((short) 0).putInt(0)
                        .putInt((int) crc).putInt(-1).putInt(-1).putShort((short) name.length).putShort((short) 20)
                        .put(name).putShort((short) 1).putShort((short) 16).putLong(size).putLong(size).flip();
                central.add(new long[] {pos, size, crc});
                ch.write(lh, pos);
                pos += lh.limit();
                if (i == 0) {
                    ch.write(ByteBuffer.wrap(pkl), pos);
                } else if (i == 2) {
                    ch.write(ByteBuffer.wrap(small), pos);
                }
                pos += size;
            }
            long cdStart = pos;
            for (int i = 0; i < 3; i++) {
                byte[] name = names.get(i).getBytes(StandardCharsets.US_ASCII);
                long[] c = central.get(i);
                ByteBuffer cd = ByteBuffer.allocate(46 + name.length + 28).order(ByteOrder.LITTLE_ENDIAN);
                cd.putInt(0x02014b50).putShort((short) 45).putShort((short) 45).putShort((short) 0).putShort((short) 0)
                        .putInt(0).putInt((int) c[2]).putInt(-1).putInt(-1).putShort((short) name.length)
                        .putShort((short) 28).putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0)
                        .putInt(-1).put(name).putShort((short) 1).putShort((short) 24).putLong(c[1]).putLong(c[1])
                        .putLong(c[0]).flip();
                ch.write(cd, pos);
                pos += cd.limit();
            }
            long cdSize = pos - cdStart;
            ByteBuffer tail = ByteBuffer.allocate(56 + 20 + 22).order(ByteOrder.LITTLE_ENDIAN);
            tail.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0).putLong(3)
                    .putLong(3).putLong(cdSize).putLong(cdStart);
            tail.putInt(0x07064b50).putInt(0).putLong(pos).putInt(1);
            tail.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) -1).putShort((short) -1)
                    .putInt(-1).putInt(-1).putShort((short) 0).flip();
            ch.write(tail, pos);
        }
        assertTrue(Files.size(p) > (5L << 30));
        long t0 = System.nanoTime();
        try (TorchCheckpoint c = TorchCheckpoint.open(p)) {
            Map<String, TensorRef> sd = c.stateDict();
            assertArrayEquals(new long[] {bigNumel / 1024, 1024}, sd.get("queue").shape());
            assertArrayEquals(new float[] {1f, 2f, 3f}, sd.get("small").readFloats(), 0f);
            assertArrayEquals(new float[1024], sd.get("queue_row").readFloats(), 0f, "a row read from the hole");
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        System.out.printf("5 GB zip64 checkpoint: opened and read the small tensor in %.1f ms%n", ms);
        assertTrue(ms < 5000, "the big storage must not be read");
    }
}
