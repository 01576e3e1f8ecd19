package dev.fiber.core.checkpoint;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A PyTorch checkpoint written by {@code torch.save}, opened safely and lazily in pure Java.
 *
 * <p>Both formats are read: the zip archive of torch 1.6+ ({@code <root>/data.pkl},
 * {@code <root>/data/<key>} records, optional {@code <root>/byteorder}) and the legacy stream of
 * torch 1.x/2.x {@code _use_new_zipfile_serialization=False} (magic number, protocol version,
 * system info, the main pickle, the list of storage keys, then each storage's element count and
 * bytes). Opening reads only the pickle (and the small zip records it needs); the pickle is run by a
 * safe {@link Unpickler} that accepts only allow-listed globals (see {@code docs/CHECKPOINTS.md}) and
 * yields plain Java values with {@link TensorRef} leaves. Tensor data is read when a
 * {@link TensorRef} is asked for it, so listing keys, dtypes and shapes costs no tensor I/O and
 * unrequested tensors cost no memory.
 *
 * <p>This is what the official FIBER code loads with {@code torch.load(path, map_location="cpu")}
 * ({@code fiber_module.py} for the coarse-grained Lightning checkpoints, maskrcnn_benchmark's
 * {@code DetectronCheckpointer} for the fine-grained ones).
 *
 * <p>Every problem with the file ends in a {@link CheckpointException}. Instances are not
 * synchronised for {@link #close()}, but reads of tensors may run in parallel while it is open.
 */
public final class TorchCheckpoint implements AutoCloseable {

    /** The two {@code torch.save} container formats. */
    public enum Format {
        /** The zip archive written by torch 1.6 and later (the default). */
        ZIP,
        /** The legacy stream format ({@code _use_new_zipfile_serialization=False}, or torch before 1.6). */
        LEGACY
    }

    /** The key {@link #tensors()} uses for a tensor that is itself the whole checkpoint. */
    public static final String ROOT_KEY = "<root>";

    private static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    private static final long LEGACY_PROTOCOL = 1001;
    private static final long MAX_PICKLE_INFLATED = 1L << 30;

    private final Path path;
    private final FileSource src;
    private final Format format;
    private final String archiveName;
    private final int pickleProtocol;
    private final ByteOrder byteOrder;
    private final Object root;
    private final LinkedHashMap<String, TensorRef> tensors;

    private TorchCheckpoint(Path path, FileSource src, Format format, String archiveName, int pickleProtocol,
            ByteOrder byteOrder, Object root, LinkedHashMap<String, TensorRef> tensors) {
        this.path = path;
        this.src = src;
        this.format = format;
        this.archiveName = archiveName;
        this.pickleProtocol = pickleProtocol;
        this.byteOrder = byteOrder;
        this.root = root;
        this.tensors = tensors;
    }

    /**
     * Opens a checkpoint and runs its pickle; no tensor data is read.
     *
     * @param path a {@code .ckpt}, {@code .pth} or {@code .pt} file written by {@code torch.save}
     * @return the open checkpoint; close it when done reading tensors
     * @throws CheckpointException if the file is missing, damaged, unsafe or not a torch checkpoint
     */
    public static TorchCheckpoint open(Path path) throws CheckpointException {
        FileSource src = FileSource.open(path);
        try {
            return read(path, src);
        } catch (Throwable t) {
            src.close();
            throw t;
        }
    }

    private static TorchCheckpoint read(Path path, FileSource src) throws CheckpointException {
        long size = src.size();
        if (size == 0) {
            throw new CheckpointException(path, null, 0, "empty file: not a PyTorch checkpoint");
        }
        byte[] head = src.readBytes(0, (int) Math.min(size, 16), "file header");
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K'
                && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6))) {
            return openZip(path, src);
        }
        if ((head[0] & 0xFF) == 0x80) {
            return openLegacy(path, src);
        }
        if (SafeTensors.looksLikeSafetensors(head, size)) {
            throw new CheckpointException(path, null, 0, "this is a safetensors file, not a torch.save"
                    + " checkpoint; open it with SafeTensors.open");
        }
        if (size >= 262) {
            byte[] tar = src.readBytes(257, 5, "tar header");
            if (new String(tar, StandardCharsets.US_ASCII).equals("ustar")) {
                throw new CheckpointException(path, null, 257, "tar-based torch.save file (torch 0.3 and"
                        + " earlier) is not supported; re-save it with a current torch");
            }
        }
        throw new CheckpointException(path, null, 0, "not a PyTorch checkpoint: it starts with "
                + describeBytes(head) + ", neither a zip archive ('PK\\3\\4') nor a legacy torch.save pickle (0x80)");
    }

    private static String describeBytes(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, 8); i++) {
            sb.append(String.format("%02x ", b[i] & 0xFF));
        }
        return "bytes " + sb.toString().trim();
    }

    // ---- zip format ----------------------------------------------------------------------------

    private static TorchCheckpoint openZip(Path path, FileSource src) throws CheckpointException {
        ZipArchive zip = ZipArchive.read(src);
        Map<String, ZipArchive.Entry> entries = zip.entries();
        String prefix = archivePrefix(path, entries);
        ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        ZipArchive.Entry bo = entries.get(prefix + "/byteorder");
        if (bo != null) {
            String s = new String(smallRecord(zip, src, bo, 64), StandardCharsets.US_ASCII).trim();
            if (s.equals("big")) {
                order = ByteOrder.BIG_ENDIAN;
            } else if (!s.equals("little")) {
                throw new CheckpointException(path, bo.name(), 0, "byteorder record says '" + s
                        + "' (expected 'little' or 'big')");
            }
        }
        ZipArchive.Entry pkl = entries.get(prefix + "/data.pkl");
        PickleInput in = pickleInput(zip, src, pkl);
        ByteOrder storageOrder = order;
        Map<String, Storage> storages = new HashMap<>();
        Unpickler.PersistentLoader loader = (pid, err) -> {
            if (!(pid instanceof PyTuple t) || t.size() != 5 || !"storage".equals(t.get(0))) {
                throw err.fail("persistent id must be ('storage', storage_type, key, location, numel), got "
                        + describe(pid));
            }
            TorchDType dtype = storageType(t.get(1), err);
            if (!(t.get(2) instanceof String key)) {
                throw err.fail("storage key must be a string, got " + PickleValues.typeName(t.get(2)));
            }
            if (!(t.get(3) instanceof String)) {
                throw err.fail("storage location must be a string, got " + PickleValues.typeName(t.get(3)));
            }
            long numel = numel(t.get(4), err);
            Storage s = storages.get(key);
            if (s != null) {
                if (s.dtype() != dtype || s.numel() != numel) {
                    throw err.fail("storage " + key + " is declared twice with different types or sizes ("
                            + s.dtype().torchName() + "[" + s.numel() + "] and " + dtype.torchName() + "[" + numel + "])");
                }
                return new StorageSlice(s, 0, numel);
            }
            String name = prefix + "/data/" + key;
            ZipArchive.Entry e = entries.get(name);
            if (e == null) {
                throw err.fail("missing storage record " + name + " for storage key '" + key + "'");
            }
            long bytes;
            try {
                bytes = Math.multiplyExact(numel, dtype.byteSize());
            } catch (ArithmeticException ex) {
                throw err.fail("storage " + key + " declares " + numel + " elements: too many");
            }
            if (e.size() != bytes) {
                throw err.fail("storage record " + name + " holds " + e.size() + " bytes but the pickle declares "
                        + numel + " " + dtype.torchName() + " elements (" + bytes + " bytes)");
            }
            long data = zip.dataOffset(e);
            s = new Storage(src, name, dtype, numel, storageOrder, data, e.method() == 8, e.compressedSize(), e.crc());
            storages.put(key, s);
            return new StorageSlice(s, 0, numel);
        };
        Unpickler u = new Unpickler(in, loader);
        Object value = u.load();
        LinkedHashMap<String, TensorRef> all = new LinkedHashMap<>();
        Object root = annotate(path, pkl.name(), value, all);
        return new TorchCheckpoint(path, src, Format.ZIP, prefix, u.protocol(), order, root, all);
    }

    private static String archivePrefix(Path path, Map<String, ZipArchive.Entry> entries)
            throws CheckpointException {
        List<String> prefixes = new ArrayList<>();
        for (String name : entries.keySet()) {
            if (name.endsWith("/data.pkl")) {
                String p = name.substring(0, name.length() - "/data.pkl".length());
                if (!p.isEmpty() && p.indexOf('/') < 0) {
                    prefixes.add(p);
                }
            }
        }
        if (prefixes.isEmpty()) {
            List<String> first = new ArrayList<>(entries.keySet()).subList(0, Math.min(5, entries.size()));
            throw new CheckpointException(path, null, -1, "zip archive has no '<name>/data.pkl' record, so it"
                    + " is not a torch.save checkpoint (first entries: " + first + ")");
        }
        if (prefixes.size() > 1) {
            String firstName = entries.keySet().iterator().next();
            int slash = firstName.indexOf('/');
            String firstPrefix = slash < 0 ? "" : firstName.substring(0, slash);
            if (prefixes.contains(firstPrefix)) {
                return firstPrefix;
            }
            throw new CheckpointException(path, null, -1, "zip archive holds several data.pkl records "
                    + prefixes + "; cannot tell which is the checkpoint");
        }
        return prefixes.get(0);
    }

    private static byte[] smallRecord(ZipArchive zip, FileSource src, ZipArchive.Entry e, int max)
            throws CheckpointException {
        if (e.size() > max) {
            throw new CheckpointException(src.path(), e.name(), -1, "record of " + e.size()
                    + " bytes is larger than the " + max + " bytes expected");
        }
        long data = zip.dataOffset(e);
        byte[] b = e.method() == 8 ? inflate(src, e, data) : src.readBytes(data, (int) e.size(), e.name());
        checkCrc(src, e, b, b.length);
        return b;
    }

    private static void checkCrc(FileSource src, ZipArchive.Entry e, byte[] b, int n) throws CheckpointException {
        CRC32 c = new CRC32();
        c.update(b, 0, n);
        if (c.getValue() != e.crc()) {
            throw new CheckpointException(src.path(), e.name(), -1, String.format("CRC-32 mismatch: the record"
                    + " is corrupt (expected %08x, got %08x)", e.crc(), c.getValue()));
        }
    }

    private static byte[] inflate(FileSource src, ZipArchive.Entry e, long data) throws CheckpointException {
        if (e.size() > MAX_PICKLE_INFLATED) {
            throw new CheckpointException(src.path(), e.name(), -1, "compressed record of " + e.size()
                    + " bytes is too large");
        }
        if (e.compressedSize() > Storage.MAX_ARRAY_BYTES) {
            throw new CheckpointException(src.path(), e.name(), -1, "compressed record is too large");
        }
        byte[] comp = src.readBytes(data, (int) e.compressedSize(), e.name());
        byte[] out = new byte[(int) e.size()];
        Inflater inf = new Inflater(true);
        try {
            inf.setInput(comp);
            int n = 0;
            while (n < out.length && !inf.finished()) {
                int r = inf.inflate(out, n, out.length - n);
                if (r == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    break;
                }
                n += r;
            }
            if (n != out.length) {
                throw new CheckpointException(src.path(), e.name(), -1, "deflated record holds " + n
                        + " bytes, expected " + out.length);
            }
        } catch (DataFormatException ex) {
            throw new CheckpointException(src.path(), e.name(), -1, "corrupt deflate data: " + ex.getMessage(), ex);
        } finally {
            inf.end();
        }
        return out;
    }

    private static PickleInput pickleInput(ZipArchive zip, FileSource src, ZipArchive.Entry e)
            throws CheckpointException {
        long data = zip.dataOffset(e);
        if (e.method() == 8) {
            byte[] b = inflate(src, e, data);
            checkCrc(src, e, b, b.length);
            return new PickleInput(src.path(), e.name(), b);
        }
        CRC32 c = new CRC32();
        byte[] chunk = new byte[1 << 20];
        for (long done = 0; done < e.size(); ) {
            int n = (int) Math.min(chunk.length, e.size() - done);
            src.read(data + done, ByteBuffer.wrap(chunk, 0, n), e.name());
            c.update(chunk, 0, n);
            done += n;
        }
        if (c.getValue() != e.crc()) {
            throw new CheckpointException(src.path(), e.name(), -1, String.format("CRC-32 mismatch: the pickle"
                    + " record is corrupt (expected %08x, got %08x)", e.crc(), c.getValue()));
        }
        return new PickleInput(src, e.name(), data, data + e.size(), data);
    }

    private static TorchDType storageType(Object o, TensorRef.ErrorSink err) throws CheckpointException {
        if (o instanceof PyGlobal g && SafeGlobals.kind(g.module(), g.name()) == SafeGlobals.Kind.STORAGE_TYPE) {
            return TorchDType.fromStorageClass(g.name());
        }
        if (o instanceof TorchDType t) {
            return t;
        }
        throw err.fail("storage type must be a torch typed storage class, got " + PickleValues.typeName(o));
    }

    private static long numel(Object o, TensorRef.ErrorSink err) throws CheckpointException {
        if (!(o instanceof Long) || (Long) o < 0) {
            throw err.fail("storage size must be a non-negative int, got " + describe(o));
        }
        return (Long) o;
    }

    private static String describe(Object o) {
        if (o instanceof Long || o instanceof String || o instanceof Boolean || o == null) {
            String s = String.valueOf(o);
            return PickleValues.typeName(o) + " " + (s.length() > 40 ? s.substring(0, 40) + "..." : s);
        }
        return PickleValues.typeName(o);
    }

    // ---- legacy format -------------------------------------------------------------------------

    /** A storage declared by a legacy persistent id, bound to its bytes after the pickles are read. */
    private record LegacyDecl(Storage storage, long pidPos) {
    }

    private static TorchCheckpoint openLegacy(Path path, FileSource src) throws CheckpointException {
        PickleInput in = new PickleInput(src, null, 0, src.size(), 0);
        long pos = in.position();
        Object magic = new Unpickler(in, null).load();
        if (!(magic instanceof BigInteger) || !magic.equals(LEGACY_MAGIC)) {
            throw new CheckpointException(path, null, pos, "wrong magic number " + describe(magic)
                    + ": not a torch.save file (legacy format starts with 0x1950a86a20f9469cfc6c)");
        }
        pos = in.position();
        Object proto = new Unpickler(in, null).load();
        if (!(proto instanceof Long) || (Long) proto != LEGACY_PROTOCOL) {
            throw new CheckpointException(path, null, pos, "unsupported legacy protocol version "
                    + describe(proto) + " (expected 1001)");
        }
        pos = in.position();
        Object sysInfo = new Unpickler(in, null).load();
        if (!(sysInfo instanceof Map)) {
            throw new CheckpointException(path, null, pos, "system info record must be a dict, got "
                    + PickleValues.typeName(sysInfo));
        }
        Map<String, LegacyDecl> decls = new LinkedHashMap<>();
        Map<String, StorageSlice> views = new HashMap<>();
        Unpickler.PersistentLoader loader = (pid, err) -> {
            if (pid instanceof PyTuple t && t.size() > 0 && "module".equals(t.get(0))) {
                throw err.fail("the checkpoint pickles a whole torch.nn.Module (with its source code); only"
                        + " state dicts and plain data can be read safely");
            }
            if (!(pid instanceof PyTuple t) || t.size() != 6 || !"storage".equals(t.get(0))) {
                throw err.fail("persistent id must be ('storage', storage_type, key, location, numel,"
                        + " view_metadata), got " + describe(pid));
            }
            TorchDType dtype = storageType(t.get(1), err);
            if (!(t.get(2) instanceof String key)) {
                throw err.fail("storage key must be a string, got " + PickleValues.typeName(t.get(2)));
            }
            if (!(t.get(3) instanceof String)) {
                throw err.fail("storage location must be a string, got " + PickleValues.typeName(t.get(3)));
            }
            long numel = numel(t.get(4), err);
            try {
                Math.multiplyExact(numel, dtype.byteSize());
            } catch (ArithmeticException ex) {
                throw err.fail("storage " + key + " declares " + numel + " elements: too many");
            }
            LegacyDecl d = decls.get(key);
            if (d == null) {
                Storage s = new Storage(src, "legacy storage '" + key + "'", dtype, numel, ByteOrder.LITTLE_ENDIAN,
                        -1, false, 0, -1);
                d = new LegacyDecl(s, in.position());
                decls.put(key, d);
            } else if (d.storage().dtype() != dtype || d.storage().numel() != numel) {
                throw err.fail("storage " + key + " is declared twice with different types or sizes");
            }
            Object view = t.get(5);
            if (view == null) {
                return new StorageSlice(d.storage(), 0, numel);
            }
            if (!(view instanceof PyTuple v) || v.size() != 3 || !(v.get(0) instanceof String viewKey)
                    || !(v.get(1) instanceof Long) || !(v.get(2) instanceof Long)) {
                throw err.fail("view metadata must be (view_key, offset, size), got " + describe(view));
            }
            StorageSlice known = views.get(viewKey);
            if (known != null) {
                return known;
            }
            long off = (Long) v.get(1);
            long len = (Long) v.get(2);
            if (off < 0 || len < 0 || off > numel || len > numel - off) {
                throw err.fail("storage view [" + off + ", +" + len + ") lies outside storage " + key + " of "
                        + numel + " elements");
            }
            StorageSlice slice = new StorageSlice(d.storage(), off, len);
            views.put(viewKey, slice);
            return slice;
        };
        pos = in.position();
        Unpickler main = new Unpickler(in, loader);
        Object value = main.load();
        pos = in.position();
        Object keys = new Unpickler(in, null).load();
        if (!(keys instanceof List)) {
            throw new CheckpointException(path, null, pos, "storage key list must be a list, got "
                    + PickleValues.typeName(keys));
        }
        long at = in.absolutePosition();
        long size = src.size();
        Set<String> seen = Collections.newSetFromMap(new HashMap<>());
        for (Object k : (List<?>) keys) {
            if (!(k instanceof String key)) {
                throw new CheckpointException(path, null, pos, "storage key list holds a "
                        + PickleValues.typeName(k) + " (expected strings)");
            }
            if (!seen.add(key)) {
                throw new CheckpointException(path, null, pos, "storage key '" + key + "' is listed twice");
            }
            LegacyDecl d = decls.get(key);
            if (d == null) {
                throw new CheckpointException(path, null, pos, "storage key '" + key + "' is listed but no"
                        + " tensor refers to it, so its element size is unknown");
            }
            if (at > size - 8) {
                throw new CheckpointException(path, null, at, "truncated file: storage record for key '" + key
                        + "' starts past the end of the file");
            }
            long count = ByteBuffer.wrap(src.readBytes(at, 8, "legacy storage header")).order(ByteOrder.LITTLE_ENDIAN)
                    .getLong();
            Storage s = d.storage();
            if (count != s.numel()) {
                throw new CheckpointException(path, null, at, "storage record for key '" + key + "' holds "
                        + count + " elements but the pickle declares " + s.numel());
            }
            long data = at + 8;
            long bytes = s.nbytes();
            if (bytes > size - data) {
                throw new CheckpointException(path, null, at, "truncated file: storage '" + key + "' needs "
                        + bytes + " bytes at offset " + data + " but the file has " + size + " bytes");
            }
            s.bind(data);
            at = data + bytes;
        }
        for (Map.Entry<String, LegacyDecl> e : decls.entrySet()) {
            if (!e.getValue().storage().isBound()) {
                throw new CheckpointException(path, null, e.getValue().pidPos(), "missing storage record for key '"
                        + e.getKey() + "' (not in the storage key list)");
            }
        }
        LinkedHashMap<String, TensorRef> all = new LinkedHashMap<>();
        Object root = annotate(path, null, value, all);
        return new TorchCheckpoint(path, src, Format.LEGACY, null, main.protocol(), ByteOrder.LITTLE_ENDIAN,
                root, all);
    }

    // ---- structure walk ------------------------------------------------------------------------

    /** One container being walked: its children are visited by index. */
    private static final class Frame {
        final Object container;
        final List<Object> keys;
        final String path;
        int next;

        Frame(Object container, List<Object> keys, String path) {
            this.container = container;
            this.keys = keys;
            this.path = path;
        }
    }

    /**
     * Walks the unpickled structure once: gives every tensor its path as key, turns bare storages into
     * 1-D tensors, records all tensors in order, and refuses cycles and excessive nesting (so that
     * callers can print or compare the values safely).
     */
    private static Object annotate(Path path, String region, Object value, LinkedHashMap<String, TensorRef> all)
            throws CheckpointException {
        Object root = leaf(value, ROOT_KEY, all);
        if (root != value || !isContainer(root)) {
            return root;
        }
        Map<Object, Boolean> onPath = new IdentityHashMap<>();
        Map<Object, Boolean> done = new IdentityHashMap<>();
        ArrayList<Frame> stack = new ArrayList<>();
        stack.add(frame(root, null));
        onPath.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Frame f = stack.get(stack.size() - 1);
            if (f.next >= f.keys.size()) {
                stack.remove(stack.size() - 1);
                onPath.remove(f.container);
                done.put(f.container, Boolean.TRUE);
                continue;
            }
            int i = f.next++;
            Object slot = f.keys.get(i);
            Object child = get(f.container, slot);
            String label = slot instanceof AttrKey a ? "@" + a.name() : String.valueOf(slot);
            String childPath = f.path == null ? label : f.path + "/" + label;
            Object replaced = leaf(child, childPath, all);
            if (replaced != child) {
                set(f.container, slot, replaced);
                continue;
            }
            if (!isContainer(child) || done.containsKey(child)) {
                continue;
            }
            if (onPath.containsKey(child)) {
                throw new CheckpointException(path, region, -1, "the pickled structure contains itself at '"
                        + childPath + "' (cyclic data is not supported)");
            }
            if (stack.size() >= Unpickler.MAX_DEPTH) {
                throw new CheckpointException(path, region, -1, "the pickled structure is nested deeper than "
                        + Unpickler.MAX_DEPTH + " levels (at '" + abbreviatePath(childPath) + "')");
            }
            stack.add(frame(child, childPath));
            onPath.put(child, Boolean.TRUE);
        }
        return root;
    }

    private static String abbreviatePath(String p) {
        return p.length() > 200 ? p.substring(0, 200) + "..." : p;
    }

    /** Marks an attribute slot of a {@link PyDict}. */
    private record AttrKey(String name) {
    }

    private static boolean isContainer(Object o) {
        return o instanceof PyDict || o instanceof ArrayList || o instanceof PyTuple;
    }

    private static Frame frame(Object c, String path) {
        List<Object> keys = new ArrayList<>();
        if (c instanceof PyDict d) {
            keys.addAll(d.keySet());
            for (String a : d.attributes().keySet()) {
                keys.add(new AttrKey(a));
            }
        } else {
            int n = ((List<?>) c).size();
            for (int i = 0; i < n; i++) {
                keys.add(i);
            }
        }
        return new Frame(c, keys, path);
    }

    private static Object get(Object c, Object slot) {
        if (c instanceof PyDict d) {
            return slot instanceof AttrKey a ? d.attributes().get(a.name()) : d.get(slot);
        }
        return ((List<?>) c).get((Integer) slot);
    }

    @SuppressWarnings("unchecked")
    private static void set(Object c, Object slot, Object v) {
        if (c instanceof PyDict d) {
            if (slot instanceof AttrKey a) {
                d.attributes().put(a.name(), v);
            } else {
                d.put(slot, v);
            }
        } else if (c instanceof PyTuple t) {
            t.replace((Integer) slot, v);
        } else {
            ((List<Object>) c).set((Integer) slot, v);
        }
    }

    private static Object leaf(Object v, String path, LinkedHashMap<String, TensorRef> all) {
        TensorRef t;
        if (v instanceof TensorRef r) {
            t = r;
        } else if (v instanceof StorageSlice s) {
            t = TensorRef.ofStorage(path, s);
        } else {
            return v;
        }
        String key = path;
        for (int n = 2; all.containsKey(key); n++) {
            key = path + " (" + n + ")";
        }
        t = t.withKey(path);
        all.put(key, t);
        return t;
    }

    // ---- accessors -----------------------------------------------------------------------------

    /** @return the file */
    public Path path() {
        return path;
    }

    /** @return which container format the file uses */
    public Format format() {
        return format;
    }

    /** @return the zip archive's root folder name (e.g. {@code tiny}), or {@code null} for the legacy format */
    public String archiveName() {
        return archiveName;
    }

    /** @return the pickle protocol of the main pickle (torch.save uses 2), or -1 if it declared none */
    public int pickleProtocol() {
        return pickleProtocol;
    }

    /** @return the byte order of the tensor data */
    public ByteOrder byteOrder() {
        return byteOrder;
    }

    /**
     * The unpickled top-level value: usually a {@link PyDict} (a {@link LinkedHashMap} keeping the
     * stored order) holding lists ({@link ArrayList}), tuples ({@link PyTuple}), strings, {@link Long}
     * or {@link BigInteger} ints, {@link Double}s, {@link Boolean}s, {@code null}s, {@code byte[]}s,
     * sets, {@link PyGlobal} class names and {@link TensorRef} leaves.
     *
     * @return the top-level value (shared, do not modify)
     */
    public Object root() {
        return root;
    }

    /**
     * Every tensor in the checkpoint, keyed by its path in the structure (dict keys and list indices
     * joined with {@code /}, e.g. {@code state_dict/layer.weight}), in pickle order.
     *
     * @return a new map; no tensor data is read
     */
    public LinkedHashMap<String, TensorRef> tensors() {
        return new LinkedHashMap<>(tensors);
    }

    /**
     * The model weights: the {@code state_dict} entry (PyTorch Lightning), else the {@code model} entry
     * (maskrcnn_benchmark / DDP dumps), else the top-level dict itself if all its values are tensors.
     * Keys are as stored (e.g. with the {@code module.} prefix of DDP); entries that are not tensors
     * are left out.
     *
     * @return the state dict, in stored order; no tensor data is read
     * @throws IllegalStateException if the checkpoint holds no state dict (see {@link #hasStateDict()})
     */
    public LinkedHashMap<String, TensorRef> stateDict() {
        String key = stateDictKey();
        if (key == null) {
            if (root instanceof Map<?, ?> m && !m.isEmpty() && allTensors(m)) {
                return collect((Map<?, ?>) root);
            }
            throw new IllegalStateException(path + ": no state dict: expected a 'state_dict' (Lightning) or"
                    + " 'model' (maskrcnn) entry, or a dict of tensors; top level is " + topLevelSummary());
        }
        return stateDict(key);
    }

    /** @return whether {@link #stateDict()} finds a state dict */
    public boolean hasStateDict() {
        return stateDictKey() != null || (root instanceof Map<?, ?> m && !m.isEmpty() && allTensors(m));
    }

    /**
     * The tensors of one top-level dict entry, e.g. {@code "model_ema"}.
     *
     * @param topKey a key of the top-level dict
     * @return its tensor entries, keyed as stored, in stored order
     * @throws IllegalArgumentException if there is no such entry or it is not a dict
     */
    public LinkedHashMap<String, TensorRef> stateDict(String topKey) {
        if (!(root instanceof Map<?, ?> m) || !(m.get(topKey) instanceof Map<?, ?> sd)) {
            throw new IllegalArgumentException(path + ": no dict entry '" + topKey + "' at the top level; top"
                    + " level is " + topLevelSummary());
        }
        return collect(sd);
    }

    private String stateDictKey() {
        if (root instanceof Map<?, ?> m) {
            for (String k : new String[] {"state_dict", "model"}) {
                if (m.get(k) instanceof Map) {
                    return k;
                }
            }
        }
        return null;
    }

    private static boolean allTensors(Map<?, ?> m) {
        for (Object v : m.values()) {
            if (!(v instanceof TensorRef)) {
                return false;
            }
        }
        return true;
    }

    private static LinkedHashMap<String, TensorRef> collect(Map<?, ?> sd) {
        LinkedHashMap<String, TensorRef> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : sd.entrySet()) {
            if (e.getValue() instanceof TensorRef t) {
                String k = String.valueOf(e.getKey());
                out.put(k, t.withKey(k));
            }
        }
        return out;
    }

    private String topLevelSummary() {
        if (root instanceof Map<?, ?> m) {
            List<String> keys = new ArrayList<>();
            for (Object k : m.keySet()) {
                keys.add(String.valueOf(k));
                if (keys.size() == 20) {
                    keys.add("...");
                    break;
                }
            }
            return "a dict with keys " + keys;
        }
        return "a " + PickleValues.typeName(root);
    }

    /**
     * The hyper-parameters PyTorch Lightning stores ({@code checkpoint["hyper_parameters"]}, e.g.
     * FIBER's {@code config} dict).
     *
     * @return a new map with string keys (non-string keys converted), or an empty map if absent
     */
    public Map<String, Object> hyperParameters() {
        Map<String, Object> out = new LinkedHashMap<>();
        if (root instanceof Map<?, ?> m && m.get("hyper_parameters") instanceof Map<?, ?> hp) {
            for (Map.Entry<?, ?> e : hp.entrySet()) {
                out.put(String.valueOf(e.getKey()), e.getValue());
            }
        }
        return out;
    }

    /** Closes the file; tensor handles can no longer be read afterwards. */
    @Override
    public void close() {
        src.close();
    }

    @Override
    public String toString() {
        return "TorchCheckpoint[" + path + ", " + format + ", " + tensors.size() + " tensors]";
    }
}
