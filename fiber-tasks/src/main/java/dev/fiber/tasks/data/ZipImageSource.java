package dev.fiber.tasks.data;

import dev.fiber.core.image.ImageDecoder;
import dev.fiber.core.image.RgbImage;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Images inside a zip archive (e.g. COCO's {@code val2014.zip}). A name is looked up as an exact
 * entry path, else as the unique entry whose path ends with {@code /name}, else as the unique entry
 * with the same file name, so archives with an extra top folder work unchanged. Ambiguous names are
 * an error, never a guess. Thread-safe ({@link ZipFile} serialises reads).
 */
public final class ZipImageSource implements ImageSource {

    private final Path path;
    private final ZipFile zip;
    private final Map<String, ZipEntry> byPath = new HashMap<>();
    private final Map<String, ZipEntry> byBaseName = new HashMap<>();
    private final Map<String, Integer> baseNameCount = new HashMap<>();
    /** Names resolved by suffix or file name, so the scan over all entries happens once per name. */
    private final Map<String, ZipEntry> resolved = new ConcurrentHashMap<>();

    /**
     * Opens and indexes the archive.
     *
     * @param path the zip file
     * @throws IOException if it cannot be opened
     */
    public ZipImageSource(Path path) throws IOException {
        this.path = Objects.requireNonNull(path, "path").toAbsolutePath();
        try {
            this.zip = new ZipFile(this.path.toFile());
        } catch (IOException e) {
            throw new IOException("cannot open image archive " + this.path + ": " + e.getMessage(), e);
        }
        for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements();) {
            ZipEntry e = en.nextElement();
            if (e.isDirectory()) {
                continue;
            }
            byPath.put(e.getName(), e);
            String base = ImageSource.baseName(e.getName());
            byBaseName.put(base, e);
            baseNameCount.merge(base, 1, Integer::sum);
        }
    }

    /** @return the number of files in the archive */
    public int size() {
        return byPath.size();
    }

    /** @return the entry paths (unmodifiable) */
    public java.util.Set<String> names() {
        return Collections.unmodifiableSet(byPath.keySet());
    }

    private ZipEntry find(String name) throws IOException {
        ImageSource.checkName(name);
        ZipEntry e = byPath.get(name);
        if (e == null) {
            e = resolved.get(name);
        }
        if (e != null) {
            return e;
        }
        e = search(name);
        if (e != null) {
            resolved.put(name, e);
        }
        return e;
    }

    private ZipEntry search(String name) throws IOException {
        ZipEntry suffixMatch = null;
        int suffixMatches = 0;
        String suffix = "/" + name;
        for (Map.Entry<String, ZipEntry> kv : byPath.entrySet()) {
            if (kv.getKey().endsWith(suffix)) {
                suffixMatch = kv.getValue();
                suffixMatches++;
            }
        }
        if (suffixMatches == 1) {
            return suffixMatch;
        }
        if (suffixMatches > 1) {
            throw new IOException("image '" + name + "' is ambiguous in archive " + path + " (" + suffixMatches
                    + " entries end with it)");
        }
        String base = ImageSource.baseName(name);
        int count = baseNameCount.getOrDefault(base, 0);
        if (count == 1) {
            return byBaseName.get(base);
        }
        if (count > 1) {
            throw new IOException("image '" + name + "' is ambiguous in archive " + path + " (" + count
                    + " entries are named " + base + ")");
        }
        return null;
    }

    @Override
    public RgbImage read(String name) throws IOException {
        ZipEntry e = find(name);
        if (e == null) {
            throw new IOException("image '" + name + "' not found in archive " + path);
        }
        try (InputStream in = new BufferedInputStream(zip.getInputStream(e))) {
            return ImageDecoder.read(in, path + "!/" + e.getName());
        }
    }

    @Override
    public boolean contains(String name) {
        try {
            return find(name) != null;
        } catch (IOException ambiguous) {
            return false;
        }
    }

    @Override
    public String describe() {
        return "archive " + path;
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }

    @Override
    public String toString() {
        return "ZipImageSource{" + path + ", " + byPath.size() + " files}";
    }
}
