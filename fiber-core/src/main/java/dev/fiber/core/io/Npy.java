package dev.fiber.core.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * A small reader and writer for NumPy {@code .npy} arrays and {@code .npz} archives, written in Java
 * so that reference data never has to pass through the engine's own decoder (which aborts on some
 * dtypes). Supports format versions 1-3, any byte order, C and Fortran order, numeric, bool and
 * fixed-width string dtypes. Object arrays (pickled) are refused.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /**
     * Reads all arrays of an {@code .npz} archive, in archive order, keyed by name without {@code .npy}.
     *
     * @param path the archive
     * @return ordered map of arrays
     * @throws IOException if the file cannot be read or an entry is not a valid array
     */
    public static Map<String, NpyArray> readNpz(Path path) throws IOException {
        Map<String, NpyArray> out = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(path.toFile())) {
            List<? extends ZipEntry> entries = new ArrayList<>(zip.stream().toList());
            for (ZipEntry e : entries) {
                String name = e.getName();
                if (name.endsWith(".npy")) {
                    name = name.substring(0, name.length() - 4);
                }
                try (InputStream in = zip.getInputStream(e)) {
                    out.put(name, parse(name, in.readAllBytes()));
                }
            }
        }
        return out;
    }

    /**
     * Reads one {@code .npy} file.
     *
     * @param path the file
     * @return the array
     * @throws IOException if the file cannot be read or is not a valid array
     */
    public static NpyArray readNpy(Path path) throws IOException {
        return parse(path.getFileName().toString(), Files.readAllBytes(path));
    }

    /**
     * Parses the bytes of one {@code .npy} file.
     *
     * @param name name used in error messages
     * @param bytes the file content
     * @return the array
     * @throws IOException if the content is not a valid array
     */
    public static NpyArray parse(String name, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 10) {
            throw new IOException(name + ": too short for a .npy header");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                throw new IOException(name + ": not a .npy array (bad magic)");
            }
        }
        int major = bytes[6];
        int headerLen;
        int start;
        if (major == 1) {
            headerLen = b.getShort(8) & 0xFFFF;
            start = 10;
        } else if (major == 2 || major == 3) {
            headerLen = b.getInt(8);
            start = 12;
        } else {
            throw new IOException(name + ": unsupported .npy version " + major);
        }
        if (headerLen < 0 || start + headerLen > bytes.length) {
            throw new IOException(name + ": truncated .npy header");
        }
        String header = new String(bytes, start, headerLen,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new IOException(name + ": unreadable .npy header: " + header.trim());
        }
        String descr = d.group(1);
        if (descr.length() < 3 || descr.charAt(1) == 'O' || "<>|=".indexOf(descr.charAt(0)) < 0) {
            throw new IOException(name + ": unsupported dtype " + descr);
        }
        if (descr.charAt(0) == '=') {
            descr = "<" + descr.substring(1);
        }
        List<Long> dims = new ArrayList<>();
        for (String part : s.group(1).split(",")) {
            String t = part.trim();
            if (!t.isEmpty()) {
                dims.add(Long.parseLong(t.replace("L", "")));
            }
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        int dataStart = start + headerLen;
        ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, bytes.length - dataStart).slice();
        NpyArray arr = new NpyArray(name, descr, shape, "True".equals(f.group(1)), data);
        int unit = arr.kind() == 'U' ? 4 : 1;
        long need = arr.size() * arr.itemSize() * unit;
        if (need > data.remaining()) {
            throw new IOException(name + ": data truncated: need " + need + " bytes, have " + data.remaining());
        }
        return arr;
    }

    /**
     * Writes float32 / int64 arrays to an uncompressed {@code .npz} archive.
     *
     * @param path destination
     * @param arrays name -> value, where value is a {@code float[]} or {@code long[]} paired with a shape
     * @throws IOException on write failure
     */
    public static void writeNpz(Path path, Map<String, Entry> arrays) throws IOException {
        try (OutputStream os = Files.newOutputStream(path); ZipOutputStream zip = new ZipOutputStream(os)) {
            for (Map.Entry<String, Entry> e : arrays.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                zip.write(encode(e.getValue()));
                zip.closeEntry();
            }
        }
    }

    /** An array to write: float32 ({@code float[]}), int64 ({@code long[]}) data plus shape. */
    public record Entry(Object data, long[] shape) {
        /**
         * @param data values, C order
         * @param shape shape
         * @return a float32 entry
         */
        public static Entry of(float[] data, long... shape) {
            return new Entry(data, shape);
        }

        /**
         * @param data values, C order
         * @param shape shape
         * @return an int64 entry
         */
        public static Entry of(long[] data, long... shape) {
            return new Entry(data, shape);
        }
    }

    /**
     * @param e the array
     * @return the bytes of a version-1 {@code .npy} file
     */
    public static byte[] encode(Entry e) {
        String descr;
        int n;
        if (e.data() instanceof float[] f) {
            descr = "<f4";
            n = f.length;
        } else if (e.data() instanceof long[] l) {
            descr = "<i8";
            n = l.length;
        } else {
            throw new IllegalArgumentException("only float[] and long[] can be written");
        }
        StringBuilder sh = new StringBuilder();
        for (long d : e.shape()) {
            sh.append(d).append(", ");
        }
        String shape = e.shape().length == 1 ? sh.substring(0, sh.length() - 1) : sh.length() > 0 ? sh.substring(0, sh.length() - 2) : "";
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + shape + "), }";
        int total = 10 + header.length() + 1;
        int pad = (64 - total % 64) % 64;
        header = header + " ".repeat(pad) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(MAGIC);
        out.write(1);
        out.write(0);
        out.write(header.length() & 0xFF);
        out.write((header.length() >> 8) & 0xFF);
        out.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
        ByteBuffer b = ByteBuffer.allocate(n * (descr.equals("<f4") ? 4 : 8)).order(ByteOrder.LITTLE_ENDIAN);
        if (e.data() instanceof float[] f) {
            b.asFloatBuffer().put(f);
        } else {
            b.asLongBuffer().put((long[]) e.data());
        }
        out.writeBytes(b.array());
        return out.toByteArray();
    }
}
