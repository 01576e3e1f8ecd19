package dev.fiber.core.checkpoint;

import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a weight file holds, gathered without reading any tensor data: its format, the top-level
 * structure, the stored hyper-parameters (PyTorch Lightning's {@code hyper_parameters}) or
 * safetensors metadata, every tensor's key, dtype and shape, and totals (tensor count, elements,
 * bytes by dtype). Rendered as text or JSON by {@code fiber inspect}.
 */
public final class CheckpointSummary {

    /**
     * One top-level entry.
     *
     * @param key the entry's key
     * @param type its Python type, e.g. {@code collections.OrderedDict}
     * @param detail a short description (size, tensor count or value)
     */
    public record TopLevelEntry(String key, String type, String detail) {
    }

    /**
     * One tensor.
     *
     * @param key path of the tensor in the structure (or its safetensors name)
     * @param dtype PyTorch dtype name
     * @param shape the shape
     * @param numel number of elements
     * @param storage name of the storage record the tensor views
     * @param storageOffset offset of its first element in that storage
     */
    public record TensorInfo(String key, String dtype, long[] shape, long numel, String storage, long storageOffset) {
    }

    private final Path file;
    private final long fileSize;
    private final String format;
    private final Map<String, Object> formatDetails;
    private final List<TopLevelEntry> topLevel;
    private final Map<String, Object> hyperParameters;
    private final Map<String, String> metadata;
    private final List<TensorInfo> tensors;
    private final Map<String, Long> elementsByDtype = new LinkedHashMap<>();
    private final Map<String, Long> bytesByDtype = new LinkedHashMap<>();
    private long elements;
    private long bytes;
    private long storageBytes;

    private CheckpointSummary(Path file, long fileSize, String format, Map<String, Object> formatDetails,
            List<TopLevelEntry> topLevel, Map<String, Object> hyperParameters, Map<String, String> metadata,
            Collection<TensorRef> refs) {
        this.file = file;
        this.fileSize = fileSize;
        this.format = format;
        this.formatDetails = formatDetails;
        this.topLevel = topLevel;
        this.hyperParameters = hyperParameters;
        this.metadata = metadata;
        this.tensors = new ArrayList<>();
        Set<String> storages = new HashSet<>();
        for (TensorRef t : refs) {
            tensors.add(new TensorInfo(t.key(), t.dtype().torchName(), t.shape(), t.numel(), t.storageName(),
                    t.storageOffset()));
            String d = t.dtype().torchName();
            elementsByDtype.merge(d, t.numel(), CheckpointSummary::saturatedAdd);
            bytesByDtype.merge(d, t.nbytes(), CheckpointSummary::saturatedAdd);
            elements = saturatedAdd(elements, t.numel());
            bytes = saturatedAdd(bytes, t.nbytes());
            if (storages.add(t.storageName())) {
                storageBytes += t.storageNumel() * t.dtype().byteSize();
            }
        }
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    /**
     * Opens a {@code torch.save} checkpoint or a safetensors file (told apart by content), summarises it
     * and closes it.
     *
     * @param path the file
     * @return its summary
     * @throws CheckpointException if the file cannot be read
     */
    public static CheckpointSummary inspect(Path path) throws CheckpointException {
        if (isSafetensors(path)) {
            try (SafeTensors s = SafeTensors.open(path)) {
                return of(s);
            }
        }
        try (TorchCheckpoint c = TorchCheckpoint.open(path)) {
            return of(c);
        }
    }

    private static boolean isSafetensors(Path path) throws CheckpointException {
        try (FileSource src = FileSource.open(path)) {
            byte[] head = src.readBytes(0, (int) Math.min(9, src.size()), "file header");
            return SafeTensors.looksLikeSafetensors(head, src.size())
                    || (head.length >= 8 && path.getFileName().toString().endsWith(".safetensors"));
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /**
     * @param c an open checkpoint
     * @return its summary (reads no tensor data)
     */
    public static CheckpointSummary of(TorchCheckpoint c) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (c.format() == TorchCheckpoint.Format.ZIP) {
            details.put("archive_name", c.archiveName());
        }
        details.put("pickle_protocol", c.pickleProtocol());
        details.put("byte_order", c.byteOrder() == ByteOrder.BIG_ENDIAN ? "big" : "little");
        LinkedHashMap<String, TensorRef> all = c.tensors();
        List<TopLevelEntry> top = new ArrayList<>();
        Object root = c.root();
        if (root instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String key = String.valueOf(e.getKey());
                top.add(new TopLevelEntry(key, PickleValues.typeName(e.getValue()), describe(e.getValue(), key, all)));
            }
        } else {
            top.add(new TopLevelEntry(TorchCheckpoint.ROOT_KEY, PickleValues.typeName(root),
                    describe(root, TorchCheckpoint.ROOT_KEY, all)));
        }
        String format = c.format() == TorchCheckpoint.Format.ZIP ? "torch.save zip archive" : "torch.save legacy format";
        return new CheckpointSummary(c.path(), size(c.path()), format, details, top, c.hyperParameters(), Map.of(),
                all.values());
    }

    /**
     * @param s an open safetensors file
     * @return its summary (reads no tensor data)
     */
    public static CheckpointSummary of(SafeTensors s) {
        LinkedHashMap<String, TensorRef> all = s.tensors();
        return new CheckpointSummary(s.path(), size(s.path()), "safetensors", new LinkedHashMap<>(), List.of(),
                Map.of(), s.metadata(), all.values());
    }

    private static String describe(Object v, String key, Map<String, TensorRef> all) {
        if (v instanceof TensorRef t) {
            return t.dtype().torchName() + " " + Arrays.toString(t.shape());
        }
        if (v instanceof Map<?, ?> || v instanceof List<?> || v instanceof Set<?>) {
            int n = ((v instanceof Map<?, ?> m) ? m.size() : ((Collection<?>) v).size());
            String unit = v instanceof Map ? (n == 1 ? " entry" : " entries") : (n == 1 ? " item" : " items");
            long tensors = 0;
            String prefix = key + "/";
            for (String k : all.keySet()) {
                if (k.startsWith(prefix)) {
                    tensors++;
                }
            }
            return n + unit + (tensors > 0 ? " (" + tensors + (tensors == 1 ? " tensor)" : " tensors)") : "");
        }
        String s = repr(v);
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    /** @return the file */
    public Path file() {
        return file;
    }

    /** @return a short format name */
    public String format() {
        return format;
    }

    /** @return the top-level entries (empty for safetensors) */
    public List<TopLevelEntry> topLevel() {
        return topLevel;
    }

    /** @return Lightning's stored hyper-parameters (empty if none) */
    public Map<String, Object> hyperParameters() {
        return hyperParameters;
    }

    /** @return safetensors metadata (empty if none) */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** @return every tensor, in file order */
    public List<TensorInfo> tensors() {
        return tensors;
    }

    /** @return total elements over all tensors */
    public long elements() {
        return elements;
    }

    /** @return total bytes of all tensors in their dtypes (shared storages counted per view) */
    public long bytes() {
        return bytes;
    }

    /** @return bytes of the distinct storages the tensors view (what the data takes in the file) */
    public long storageBytes() {
        return storageBytes;
    }

    /** @return elements per dtype */
    public Map<String, Long> elementsByDtype() {
        return elementsByDtype;
    }

    /** @return bytes per dtype */
    public Map<String, Long> bytesByDtype() {
        return bytesByDtype;
    }

    // ---- text ----------------------------------------------------------------------------------

    /**
     * @param listTensors whether to list every tensor
     * @return a human-readable report
     */
    public String toText(boolean listTensors) {
        StringBuilder sb = new StringBuilder();
        sb.append("file:     ").append(file).append(fileSize >= 0 ? " (" + human(fileSize) + ")" : "").append('\n');
        sb.append("format:   ").append(format);
        formatDetails.forEach((k, v) -> sb.append(", ").append(k.replace('_', ' ')).append(' ').append(v));
        sb.append('\n');
        if (!topLevel.isEmpty()) {
            sb.append("top level:\n");
            int w = 0;
            int tw = 0;
            for (TopLevelEntry e : topLevel) {
                w = Math.max(w, e.key().length());
                tw = Math.max(tw, e.type().length());
            }
            for (TopLevelEntry e : topLevel) {
                sb.append("  ").append(pad(e.key(), w)).append("  ").append(pad(e.type(), tw)).append("  ")
                        .append(e.detail()).append('\n');
            }
        }
        if (!hyperParameters.isEmpty()) {
            sb.append("hyper-parameters:\n");
            renderMap(sb, hyperParameters, 1);
        }
        if (!metadata.isEmpty()) {
            sb.append("metadata:\n");
            renderMap(sb, new LinkedHashMap<>(metadata), 1);
        }
        if (listTensors) {
            sb.append("tensors (").append(tensors.size()).append("):\n");
            int w = 3;
            for (TensorInfo t : tensors) {
                w = Math.max(w, Math.min(t.key().length(), 100));
            }
            sb.append("  ").append(pad("KEY", w)).append("  ").append(pad("DTYPE", 8)).append("  SHAPE\n");
            for (TensorInfo t : tensors) {
                sb.append("  ").append(pad(t.key(), w)).append("  ").append(pad(t.dtype(), 8)).append("  ")
                        .append(Arrays.toString(t.shape())).append('\n');
            }
        }
        sb.append("totals:\n");
        sb.append("  tensors:     ").append(String.format(Locale.ROOT, "%,d", tensors.size())).append('\n');
        sb.append("  parameters:  ").append(String.format(Locale.ROOT, "%,d", elements))
                .append(" elements (all tensors, buffers included)\n");
        for (Map.Entry<String, Long> e : bytesByDtype.entrySet()) {
            sb.append("  ").append(pad(e.getKey() + ":", 12)).append(' ')
                    .append(String.format(Locale.ROOT, "%,d elements, %s", elementsByDtype.get(e.getKey()),
                            human(e.getValue())))
                    .append('\n');
        }
        sb.append("  bytes:       ").append(human(bytes));
        if (storageBytes != bytes) {
            sb.append(" (distinct storages: ").append(human(storageBytes)).append(')');
        }
        sb.append('\n');
        return sb.toString();
    }

    private static String pad(String s, int w) {
        StringBuilder sb = new StringBuilder(s);
        while (sb.length() < w) {
            sb.append(' ');
        }
        return sb.toString();
    }

    private static String human(long b) {
        String exact = String.format(Locale.ROOT, "%,d bytes", b);
        if (b < 1024) {
            return exact;
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return exact + String.format(Locale.ROOT, " = %.1f %s", v, units[u]);
    }

    private static void indent(StringBuilder sb, int level) {
        for (int i = 0; i < level; i++) {
            sb.append("  ");
        }
    }

    private static void renderMap(StringBuilder sb, Map<?, ?> m, int level) {
        for (Map.Entry<?, ?> e : m.entrySet()) {
            indent(sb, level);
            sb.append(e.getKey() instanceof String s ? s : repr(e.getKey())).append(':');
            Object v = e.getValue();
            if (v instanceof Map<?, ?> inner && !inner.isEmpty()) {
                sb.append('\n');
                renderMap(sb, inner, level + 1);
            } else if (v instanceof List<?> l && !l.isEmpty() && repr(v).length() > 100) {
                sb.append('\n');
                for (Object o : l) {
                    indent(sb, level + 1);
                    sb.append("- ");
                    if (o instanceof Map<?, ?> om && !om.isEmpty()) {
                        sb.append('\n');
                        renderMap(sb, om, level + 2);
                    } else {
                        sb.append(repr(o)).append('\n');
                    }
                }
            } else {
                sb.append(' ').append(repr(v)).append('\n');
            }
        }
    }

    /** A Python-like rendering of an unpickled value. */
    static String repr(Object v) {
        StringBuilder sb = new StringBuilder();
        repr(sb, v);
        return sb.toString();
    }

    private static void repr(StringBuilder sb, Object v) {
        if (sb.length() > 10_000) {
            sb.append("...");
            return;
        }
        if (v == null) {
            sb.append("None");
        } else if (v instanceof Boolean b) {
            sb.append(b ? "True" : "False");
        } else if (v instanceof String s) {
            Json.quote(sb, s);
        } else if (v instanceof Double d) {
            sb.append(pythonFloat(d));
        } else if (v instanceof byte[] b) {
            sb.append("b'").append(HexFormat.of().formatHex(b, 0, Math.min(b.length, 64)))
                    .append(b.length > 64 ? "..." : "").append("' (").append(b.length).append(" bytes)");
        } else if (v instanceof TensorRef t) {
            sb.append("tensor(").append(t.dtype().torchName()).append(", ").append(Arrays.toString(t.shape())).append(')');
        } else if (v instanceof TorchDType t) {
            sb.append("torch.").append(t.torchName());
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    sb.append(", ");
                }
                first = false;
                repr(sb, e.getKey());
                sb.append(": ");
                repr(sb, e.getValue());
            }
            sb.append('}');
        } else if (v instanceof Collection<?> c) {
            boolean tuple = v instanceof PyTuple;
            boolean set = v instanceof Set;
            sb.append(tuple ? '(' : set ? '{' : '[');
            boolean first = true;
            for (Object o : c) {
                if (!first) {
                    sb.append(", ");
                }
                first = false;
                repr(sb, o);
            }
            if (tuple && c.size() == 1) {
                sb.append(',');
            }
            sb.append(tuple ? ')' : set ? '}' : ']');
        } else {
            sb.append(v);
        }
    }

    /** Formats a double the way Python's {@code repr} does ({@code 1e-05}, {@code 0.0001}, {@code 10000000.0}). */
    static String pythonFloat(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        java.math.BigDecimal b = new java.math.BigDecimal(Double.toString(d)).stripTrailingZeros();
        int exp = b.precision() - b.scale() - 1;
        if (exp >= -4 && exp < 16) {
            String plain = b.toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        String digits = b.unscaledValue().abs().toString();
        StringBuilder sb = new StringBuilder();
        if (d < 0) {
            sb.append('-');
        }
        sb.append(digits.charAt(0));
        if (digits.length() > 1) {
            sb.append('.').append(digits, 1, digits.length());
        }
        sb.append('e').append(exp < 0 ? '-' : '+');
        int a = Math.abs(exp);
        if (a < 10) {
            sb.append('0');
        }
        return sb.append(a).toString();
    }

    // ---- JSON ----------------------------------------------------------------------------------

    /** @return the summary as pretty-printed JSON */
    public String toJson() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("file", file.toString());
        o.put("file_bytes", fileSize);
        o.put("format", format);
        o.putAll(formatDetails);
        List<Object> top = new ArrayList<>();
        for (TopLevelEntry e : topLevel) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("key", e.key());
            m.put("type", e.type());
            m.put("detail", e.detail());
            top.add(m);
        }
        o.put("top_level", top);
        o.put("hyper_parameters", jsonValue(hyperParameters));
        o.put("metadata", metadata);
        List<Object> ts = new ArrayList<>();
        for (TensorInfo t : tensors) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("key", t.key());
            m.put("dtype", t.dtype());
            m.put("shape", t.shape());
            m.put("storage", t.storage());
            m.put("storage_offset", t.storageOffset());
            ts.add(m);
        }
        o.put("tensors", ts);
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("tensors", tensors.size());
        totals.put("elements", elements);
        totals.put("bytes", bytes);
        totals.put("storage_bytes", storageBytes);
        totals.put("elements_by_dtype", elementsByDtype);
        totals.put("bytes_by_dtype", bytesByDtype);
        o.put("totals", totals);
        return Json.write(o, 2);
    }

    /** Converts an unpickled value into JSON-writable maps, lists and scalars. */
    static Object jsonValue(Object v) {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Long || v instanceof Double
                || v instanceof BigInteger) {
            return v;
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put(e.getKey() instanceof String s ? s : repr(e.getKey()), jsonValue(e.getValue()));
            }
            return out;
        }
        if (v instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>();
            for (Object o : c) {
                out.add(jsonValue(o));
            }
            return out;
        }
        if (v instanceof byte[] b) {
            return Map.of("bytes_hex", HexFormat.of().formatHex(b));
        }
        if (v instanceof TensorRef t) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("tensor", t.key());
            m.put("dtype", t.dtype().torchName());
            m.put("shape", t.shape());
            return m;
        }
        return repr(v);
    }

}
