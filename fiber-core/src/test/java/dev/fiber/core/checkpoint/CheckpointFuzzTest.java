package dev.fiber.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fiber.core.TestData;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutation fuzzing of the readers: small valid (and unsafe) checkpoints of every format are
 * damaged by byte and bit flips, truncations, insertions, deletions, zip header edits, pickle edits
 * with repaired CRCs, opcode substitutions, splices and safetensors header edits; archives are also
 * built from random opcode sequences and random tensor descriptions. Every mutated file
 * is opened and every tensor read, under a time limit; the only exception allowed to escape is
 * {@link CheckpointException}.
 *
 * <p>The default run does {@value #DEFAULT_COUNT} files. A longer run:
 * {@code mvn -pl fiber-core -am verify -Dtest=CheckpointFuzzTest -Dfiber.test.jvmArgs=-Dfiber.fuzz.count=100000
 * -Dsurefire.failIfNoSpecifiedTests=false} (add {@code -Dfiber.fuzz.seed=N} for another sequence).
 * A failing case is saved under {@code target/fuzz-failures/} with its seed in the name.
 */
class CheckpointFuzzTest {

    static final int DEFAULT_COUNT = 2000;
    private static final long PER_FILE_LIMIT_MS = 10_000;

    private static final byte[] OPCODES = "()0123.FIJKLMNPQRSTUVXabcdeghijlopqrstu}]BCG".getBytes();

    enum Kind { ZIP, LEGACY, SAFETENSORS }

    record Seed(String name, byte[] bytes, Kind kind) {
    }

    record Mutant(byte[] bytes, String description) {
    }

    @TempDir
    Path dir;

    static List<Seed> seeds(Path tmp) throws IOException {
        List<Seed> s = new ArrayList<>();
        for (String n : List.of("dtypes.pt", "views.pt", "lightning_like.ckpt", "ddp_like.pth", "half.pt",
                "unsafe_os_system.pt")) {
            s.add(new Seed(n, Files.readAllBytes(TestData.file("checkpoints/" + n)), Kind.ZIP));
        }
        for (String n : List.of("dtypes_legacy.pt", "views_legacy.pt", "unsafe_eval_legacy.pt")) {
            s.add(new Seed(n, Files.readAllBytes(TestData.file("checkpoints/" + n)), Kind.LEGACY));
        }
        byte[] views = Files.readAllBytes(TestData.file("checkpoints/views.pt"));
        Map<String, byte[]> rec = new LinkedHashMap<>();
        for (ZipTestFiles.Located l : ZipTestFiles.locate(views)) {
            rec.put(l.name(), ZipTestFiles.record(views, l.name()));
        }
        s.add(new Seed("views.pt as zip64", ZipTestFiles.write(rec, true, false), Kind.ZIP));
        s.add(new Seed("views.pt deflated", ZipTestFiles.write(rec, false, name -> true), Kind.ZIP));
        for (String[] hex : new String[][] {PickleMachineTest.PLAIN, PickleMachineTest.OBJECTS}) {
            for (int i = 0; i < hex.length; i += 2) {
                byte[] pkl = java.util.HexFormat.of().parseHex(hex[i]);
                s.add(new Seed("plain pickle " + i, ZipTestFiles.write(Map.of("p/data.pkl", pkl), false, false),
                        Kind.ZIP));
            }
        }
        Map<String, SafeTensors.Entry> st = new LinkedHashMap<>();
        st.put("a", SafeTensors.Entry.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        st.put("ids", SafeTensors.Entry.of(new long[] {7, 8}, 2));
        st.put("mask", SafeTensors.Entry.of(new boolean[] {true, false, true}, 3));
        st.put("h", SafeTensors.Entry.ofBytes(TorchDType.FLOAT16, new byte[] {0, 0x3c, 0, (byte) 0xc0}, 2));
        st.put("empty", SafeTensors.Entry.of(new float[0], 0, 4));
        Path stFile = tmp.resolve("seed.safetensors");
        SafeTensors.write(stFile, st, Map.of("format", "fiber", "note", "seed"));
        s.add(new Seed("seed.safetensors", Files.readAllBytes(stFile), Kind.SAFETENSORS));
        st.remove("empty");
        SafeTensors.write(stFile, st, null);
        s.add(new Seed("seed2.safetensors", Files.readAllBytes(stFile), Kind.SAFETENSORS));
        return s;
    }

    @Test
    void onlyCheckpointExceptionsEscape() throws Exception {
        int count = Integer.getInteger("fiber.fuzz.count", DEFAULT_COUNT);
        long seed = Long.getLong("fiber.fuzz.seed", 20240611L);
        List<Seed> seeds = seeds(dir);
        Random master = new Random(seed);
        Path file = dir.resolve("fuzz.bin");
        Map<String, int[]> stats = new TreeMap<>();
        int opened = 0;
        int refused = 0;
        long start = System.nanoTime();
        ExecutorService exec = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-reader");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int i = 0; i < count; i++) {
                long caseSeed = master.nextLong();
                Random r = new Random(caseSeed);
                Seed base = seeds.get(r.nextInt(seeds.size()));
                Mutant m = mutate(r, base, seeds);
                Files.write(file, m.bytes());
                String kindName = m.description().split("[ (]")[0];
                int[] st = stats.computeIfAbsent(kindName, k -> new int[2]);
                Future<Boolean> f = exec.submit(() -> exercise(file));
                try {
                    if (f.get(PER_FILE_LIMIT_MS, TimeUnit.MILLISECONDS)) {
                        opened++;
                        st[0]++;
                    } else {
                        refused++;
                        st[1]++;
                    }
                } catch (TimeoutException e) {
                    f.cancel(true);
                    failCase(i, caseSeed, base, m, "took longer than " + PER_FILE_LIMIT_MS + " ms", null);
                } catch (ExecutionException e) {
                    failCase(i, caseSeed, base, m, "threw " + e.getCause(), e.getCause());
                }
            }
        } finally {
            exec.shutdownNow();
        }
        double s = (System.nanoTime() - start) / 1e9;
        System.out.printf("fuzz: %d mutated files (seed %d) in %.1f s: %d read fully, %d refused with"
                + " CheckpointException; per mutation [read, refused]:%n", count, seed, s, opened, refused);
        stats.forEach((k, v) -> System.out.printf("  %-12s %6d %6d%n", k, v[0], v[1]));
        assertTrue(count < 50 || opened > 0, "some mutants (e.g. edits inside tensor data) should still read");
        assertTrue(count < 50 || refused > 0);
    }

    private static void failCase(int i, long caseSeed, Seed base, Mutant m, String what, Throwable cause)
            throws IOException {
        Path out = Paths.get("target", "fuzz-failures");
        Files.createDirectories(out);
        Path saved = out.resolve("case-" + i + "-seed-" + caseSeed + ".bin");
        Files.write(saved, m.bytes());
        AssertionError e = new AssertionError("fuzz case " + i + " (seed " + caseSeed + ", " + base.name() + ", "
                + m.description() + ") " + what + "; saved as " + saved.toAbsolutePath(), cause);
        fail(e);
    }

    /**
     * Opens the file with the reader its content calls for and reads everything it offers.
     *
     * @return true if it was read fully, false if it was refused with a CheckpointException
     */
    static boolean exercise(Path file) throws Exception {
        try {
            byte[] head = new byte[9];
            try (var in = Files.newInputStream(file)) {
                in.readNBytes(head, 0, 9);
            }
            if (head[8] == '{' || head[0] != 'P' && (head[0] & 0xFF) != 0x80 && head[0] != 0) {
                readSafetensors(file);
            } else {
                readTorch(file);
            }
            return true;
        } catch (CheckpointException e) {
            if (e.getMessage() == null || !e.getMessage().contains(file.getFileName().toString())) {
                throw new AssertionError("CheckpointException without the file name: " + e.getMessage(), e);
            }
            return false;
        }
    }

    private static void readTorch(Path file) throws CheckpointException {
        try (TorchCheckpoint c = TorchCheckpoint.open(file)) {
            String.valueOf(c.root());
            c.hyperParameters();
            if (c.hasStateDict()) {
                c.stateDict();
            }
            for (TensorRef t : c.tensors().values()) {
                readTensor(t);
            }
        }
    }

    private static void readSafetensors(Path file) throws CheckpointException {
        try (SafeTensors s = SafeTensors.open(file)) {
            s.metadata();
            for (TensorRef t : s.tensors().values()) {
                readTensor(t);
            }
        }
    }

    private static void readTensor(TensorRef t) throws CheckpointException {
        t.nbytes();
        if (t.numel() > Integer.MAX_VALUE - 16) {
            // more elements than an array holds (a stride-0 expansion): every read must refuse, not allocate
            for (int i = 0; i < 3; i++) {
                try {
                    switch (i) {
                        case 0 -> t.readFloats();
                        case 1 -> t.readRawBytes();
                        default -> t.readDoubles();
                    }
                    throw new AssertionError("read of " + t + " with " + t.numel() + " elements did not refuse");
                } catch (CheckpointException expected) {
                    // refused before allocating
                }
            }
            return;
        }
        if (t.numel() > (1 << 22)) {
            return;
        }
        if (t.dtype().isFloatingPoint()) {
            t.readFloats();
        } else {
            t.readLongs();
        }
        t.readRawBytes();
        t.key();
        Arrays.toString(t.shape());
    }

    // ---- mutations -----------------------------------------------------------------------------

    static Mutant mutate(Random r, Seed s, List<Seed> all) {
        byte[] b = s.bytes().clone();
        int choice = r.nextInt(s.kind() == Kind.SAFETENSORS ? 10 : 13);
        switch (choice) {
            case 0: {
                int n = 1 + r.nextInt(8);
                for (int i = 0; i < n; i++) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
                return new Mutant(b, "byteflip (" + n + ")");
            }
            case 1: {
                int n = 1 + r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                }
                return new Mutant(b, "bitflip (" + n + ")");
            }
            case 2: {
                int len = r.nextInt(b.length);
                return new Mutant(Arrays.copyOf(b, len), "truncate (to " + len + ")");
            }
            case 3: {
                int at = r.nextInt(b.length + 1);
                byte[] ins = new byte[1 + r.nextInt(16)];
                r.nextBytes(ins);
                return new Mutant(splice(b, at, 0, ins), "insert (" + ins.length + " at " + at + ")");
            }
            case 4: {
                int at = r.nextInt(b.length);
                int len = Math.min(b.length - at, 1 + r.nextInt(32));
                return new Mutant(splice(b, at, len, new byte[0]), "delete (" + len + " at " + at + ")");
            }
            case 5: {
                int width = new int[] {1, 2, 4, 8}[r.nextInt(4)];
                int at = r.nextInt(Math.max(1, b.length - width));
                putInteresting(r, b, at, width);
                return new Mutant(b, "interesting (" + width + " bytes at " + at + ")");
            }
            case 6:
                return headerEdit(r, b, s.kind());
            case 7:
                return pickleEdit(r, b, s.kind());
            case 8: {
                Seed other = all.get(r.nextInt(all.size()));
                int at = r.nextInt(b.length);
                int from = r.nextInt(other.bytes().length);
                int len = Math.min(other.bytes().length - from, 1 + r.nextInt(256));
                byte[] part = Arrays.copyOfRange(other.bytes(), from, from + len);
                return new Mutant(splice(b, at, Math.min(len, b.length - at), part), "splice (" + len + " from "
                        + other.name() + ")");
            }
            case 9: {
                int n = 1 + r.nextInt(3);
                for (int k = 0; k < n; k++) {
                    int at = r.nextInt(b.length);
                    b[at] = OPCODES[r.nextInt(OPCODES.length)];
                }
                return new Mutant(s.kind() == Kind.ZIP ? safeFixCrcs(b) : b, "opcodes (" + n + ")");
            }
            case 10:
                return tensorDataEdit(r, b);
            case 11:
                return tensorSpec(r);
            default:
                return randomPickle(r);
        }
    }

    private static final String[][] GLOBALS = {
        {"collections", "OrderedDict"}, {"torch._utils", "_rebuild_tensor_v2"}, {"torch", "FloatStorage"},
        {"torch._utils", "_rebuild_parameter"}, {"torch._tensor", "_rebuild_from_type_v2"}, {"torch", "Tensor"},
        {"torch", "Size"}, {"torch", "device"}, {"torch", "float16"}, {"__builtin__", "set"},
        {"builtins", "frozenset"}, {"builtins", "list"}, {"builtins", "tuple"}, {"builtins", "bytearray"},
        {"_codecs", "encode"}, {"copy_reg", "_reconstructor"}, {"argparse", "Namespace"},
        {"collections", "defaultdict"}, {"builtins", "object"}, {"builtins", "dict"}, {"os", "system"},
        {"pytorch_lightning.callbacks.model_checkpoint", "ModelCheckpoint"}, {"torch._utils", "_rebuild_tensor"}};

    /** A random but plausible sequence of opcodes, as the data.pkl of an archive with one small storage. */
    private static Mutant randomPickle(Random r) {
        PickleWriter w = new PickleWriter().proto(2 + r.nextInt(4));
        int n = 1 + r.nextInt(60);
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(24)) {
                case 0 -> w.mark();
                case 1 -> w.integer(dim(r));
                case 2 -> w.str(r.nextBoolean() ? "storage" : "k" + r.nextInt(3));
                case 3 -> w.str("0");
                case 4 -> w.str("cpu");
                case 5 -> {
                    String[] g = GLOBALS[r.nextInt(GLOBALS.length)];
                    if (r.nextBoolean()) {
                        w.global(g[0], g[1]);
                    } else {
                        w.op(0x8c).op(g[0].length()).raw(g[0].getBytes()).op(0x8c).op(g[1].length()).raw(g[1].getBytes())
                                .op(0x93);
                    }
                }
                case 6 -> w.tuple();
                case 7 -> w.op(0x85 + r.nextInt(3));
                case 8 -> w.emptyTuple();
                case 9 -> w.reduce();
                case 10 -> w.binpersid();
                case 11 -> w.emptyDict();
                case 12 -> w.emptyList();
                case 13 -> w.setitem();
                case 14 -> w.setitems();
                case 15 -> w.append();
                case 16 -> w.op('e');
                case 17 -> w.put(r.nextInt(4));
                case 18 -> w.get(r.nextInt(4));
                case 19 -> w.bool(r.nextBoolean());
                case 20 -> w.none();
                case 21 -> w.op(new int[] {'b', 0x81, 0x8f, 0x90, 0x91, 0x94, '2', '0', '1', 'd', 'l', 't'}[r.nextInt(12)]);
                case 22 -> w.storage("FloatStorage", "0", r.nextInt(3) == 0 ? dim(r) : 6);
                default -> w.tensor("FloatStorage", "0", 6, r.nextInt(3), new long[] {2, 3}, new long[] {3, 1});
            }
        }
        if (r.nextInt(4) != 0) {
            w.stop();
        }
        byte[] data = new byte[24];
        r.nextBytes(data);
        byte[] zip = SyntheticCheckpointTest.torchZip("r", w.bytes(), Map.of("0", data), Map.of(), false, false);
        return new Mutant(zip, "randompickle (" + n + " ops)");
    }

    private static final String[] STORAGES = {"FloatStorage", "HalfStorage", "BFloat16Storage", "DoubleStorage",
        "LongStorage", "IntStorage", "ShortStorage", "CharStorage", "ByteStorage", "BoolStorage"};

    private static long dim(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> INTERESTING[r.nextInt(INTERESTING.length)];
            case 1 -> 0;
            case 2 -> 1;
            default -> r.nextInt(9);
        };
    }

    /** A well-formed archive whose one tensor has a random (often absurd) storage size, offset, shape and strides. */
    private static Mutant tensorSpec(Random r) {
        String storage = STORAGES[r.nextInt(STORAGES.length)];
        int es = TorchDType.fromStorageClass(storage).byteSize();
        int dims = r.nextInt(4);
        long[] shape = new long[dims];
        long[] stride = new long[dims];
        boolean expand = r.nextInt(4) == 0;
        long[] huge = {1L << 31, 1L << 32, 1L << 40, 1L << 61, 1L << 62, Long.MAX_VALUE, 3};
        for (int i = 0; i < dims; i++) {
            shape[i] = expand ? huge[r.nextInt(huge.length)] : dim(r);
            stride[i] = expand ? 0 : dim(r);
        }
        int bytes = es * r.nextInt(40);
        long numel = r.nextInt(8) == 0 ? dim(r) : bytes / es;
        long offset = r.nextInt(3) == 0 ? dim(r) : r.nextInt(4);
        byte[] pkl = new PickleWriter().proto(2).emptyDict().str("w").tensor(storage, "0", numel, offset, shape, stride)
                .setitem().stop().bytes();
        byte[] data = new byte[bytes];
        r.nextBytes(data);
        byte[] zip = SyntheticCheckpointTest.torchZip("t", pkl, Map.of("0", data), Map.of(), r.nextInt(4) == 0,
                r.nextInt(4) == 0);
        return new Mutant(zip, "tensorspec (" + storage + "[" + numel + "], offset " + offset + ", shape "
                + Arrays.toString(shape) + ", stride " + Arrays.toString(stride) + ")");
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }

    private static final long[] INTERESTING = {0, 1, -1, 2, 7, 8, 16, 64, 127, 128, 255, 256, 0x7fff, 0x8000,
        0xffff, 0x10000, 0x7fffffffL, 0x80000000L, 0xffffffffL, 0x100000000L, Long.MAX_VALUE, Long.MIN_VALUE,
        1L << 40, 1L << 62, -2, -128};

    private static void putInteresting(Random r, byte[] b, int at, int width) {
        long v = r.nextInt(4) == 0 ? r.nextLong() : INTERESTING[r.nextInt(INTERESTING.length)];
        if (r.nextInt(3) == 0) {
            v += r.nextInt(5) - 2;
        }
        for (int i = 0; i < width && at + i < b.length; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    /** Edits a field of a zip header (central, local, end records) or of the safetensors length. */
    private static Mutant headerEdit(Random r, byte[] b, Kind kind) {
        if (kind == Kind.SAFETENSORS) {
            int width = new int[] {1, 2, 4, 8}[r.nextInt(4)];
            putInteresting(r, b, 0, width);
            return new Mutant(b, "header (safetensors length, " + width + " bytes)");
        }
        if (kind == Kind.LEGACY) {
            int at = r.nextInt(Math.max(1, Math.min(b.length, 140)));
            putInteresting(r, b, at, 1 + r.nextInt(2));
            return new Mutant(b, "header (legacy preamble at " + at + ")");
        }
        List<Integer> sigs = new ArrayList<>();
        for (int i = 0; i + 4 <= b.length; i++) {
            if (b[i] == 'P' && b[i + 1] == 'K' && b[i + 2] < 10 && b[i + 3] < 10) {
                sigs.add(i);
            }
        }
        if (sigs.isEmpty()) {
            return new Mutant(b, "header (none)");
        }
        int at = sigs.get(r.nextInt(sigs.size()));
        int field = 4 + 2 * r.nextInt(22);
        int width = new int[] {2, 4, 8}[r.nextInt(3)];
        putInteresting(r, b, Math.min(at + field, b.length - 1), width);
        boolean fix = r.nextBoolean();
        return new Mutant(fix ? safeFixCrcs(b) : b, "header (zip record at " + at + ", field +" + field + ")");
    }

    /** Edits the pickle itself; for zips the CRCs are repaired so the pickle machine sees the edit. */
    private static Mutant pickleEdit(Random r, byte[] b, Kind kind) {
        if (kind == Kind.SAFETENSORS) {
            return jsonEdit(r, b);
        }
        int lo = 0;
        int hi = Math.max(1, b.length * 3 / 4);
        if (kind == Kind.ZIP) {
            try {
                ZipTestFiles.Located l = ZipTestFiles.find(b, "data.pkl");
                byte[] pkl = ZipTestFiles.record(b, "data.pkl");
                byte[] edited = editBytes(r, pkl);
                return new Mutant(ZipTestFiles.replaceRecord(b, "data.pkl", edited), "pickle (zip, "
                        + pkl.length + " -> " + edited.length + " bytes at " + l.dataOffset() + ")");
            } catch (RuntimeException notPlain) {
                return new Mutant(editBytes(r, b), "pickle (raw)");
            }
        }
        byte[] region = Arrays.copyOfRange(b, lo, hi);
        byte[] edited = editBytes(r, region);
        return new Mutant(splice(b, lo, hi - lo, edited), "pickle (legacy)");
    }

    private static byte[] editBytes(Random r, byte[] p) {
        if (p.length == 0) {
            return p;
        }
        switch (r.nextInt(5)) {
            case 0: {
                byte[] q = p.clone();
                q[r.nextInt(q.length)] = OPCODES[r.nextInt(OPCODES.length)];
                return q;
            }
            case 1: {
                byte[] q = p.clone();
                putInteresting(r, q, r.nextInt(q.length), new int[] {1, 2, 4}[r.nextInt(3)]);
                return q;
            }
            case 2:
                return Arrays.copyOf(p, r.nextInt(p.length));
            case 3: {
                byte[] ins = new byte[1 + r.nextInt(8)];
                for (int i = 0; i < ins.length; i++) {
                    ins[i] = r.nextBoolean() ? OPCODES[r.nextInt(OPCODES.length)] : (byte) r.nextInt(256);
                }
                return splice(p, r.nextInt(p.length), 0, ins);
            }
            default: {
                int at = r.nextInt(p.length);
                int len = Math.min(p.length - at, 1 + r.nextInt(16));
                int to = r.nextInt(p.length - len + 1);
                byte[] chunk = Arrays.copyOfRange(p, at, at + len);
                return splice(p, to, 0, chunk);
            }
        }
    }

    private static Mutant jsonEdit(Random r, byte[] b) {
        long n = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        int end = (int) Math.min(b.length, 8 + n);
        int at = 8 + r.nextInt(Math.max(1, end - 8));
        byte[] repl = switch (r.nextInt(6)) {
            case 0 -> String.valueOf(r.nextInt(100)).getBytes();
            case 1 -> "-1".getBytes();
            case 2 -> "18446744073709551615".getBytes();
            case 3 -> new byte[] {(byte) "{}[],:\"".charAt(r.nextInt(7))};
            case 4 -> "\"__metadata__\"".getBytes();
            default -> new byte[0];
        };
        int remove = Math.min(end - at, r.nextInt(4));
        byte[] out = splice(b, at, remove, repl);
        if (r.nextBoolean()) {
            ByteBuffer.wrap(out, 0, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(n - remove + repl.length);
        }
        return new Mutant(out, "json (at " + at + ")");
    }

    /** Flips bytes inside tensor data (zip: with or without a repaired CRC). */
    private static Mutant tensorDataEdit(Random r, byte[] b) {
        int at = b.length / 2 + r.nextInt(Math.max(1, b.length / 2));
        b[Math.min(at, b.length - 1)] ^= (byte) (1 + r.nextInt(255));
        return new Mutant(r.nextBoolean() ? safeFixCrcs(b) : b, "data (at " + at + ")");
    }

    private static byte[] safeFixCrcs(byte[] b) {
        try {
            return ZipTestFiles.fixCrcs(b);
        } catch (RuntimeException e) {
            return b;
        }
    }
}
