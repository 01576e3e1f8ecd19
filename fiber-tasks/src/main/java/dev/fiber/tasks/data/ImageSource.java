package dev.fiber.tasks.data;

import dev.fiber.core.image.RgbImage;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where a dataset's images come from: a folder ({@link FolderImageSource}), a zip archive
 * ({@link ZipImageSource}) or memory ({@link MemoryImageSource}). Images are addressed by relative
 * paths with {@code /} separators, as the dataset readers produce them (e.g.
 * {@code val2014/COCO_val2014_000000391895.jpg}, {@code dev/dev-850-0-img0.png}); the official FIBER
 * code packs the same files into Arrow tables instead.
 *
 * <p>Implementations are safe for concurrent reads from the loader's worker threads. Decoding follows
 * Pillow's {@code Image.open(f).convert("RGB")} ({@link dev.fiber.core.image.ImageDecoder}).
 */
public interface ImageSource extends Closeable {

    /**
     * Reads and decodes an image.
     *
     * @param name relative path
     * @return its RGB pixels
     * @throws IOException if the image is missing or cannot be decoded; the message names it and the
     *     source
     */
    RgbImage read(String name) throws IOException;

    /**
     * @param name relative path
     * @return whether {@link #read} would find it (it may still fail to decode)
     */
    boolean contains(String name);

    /** @return a short description for messages (the folder or archive path) */
    String describe();

    /**
     * Opens a folder or a {@code .zip} file.
     *
     * @param path a directory or a zip archive
     * @return the source (close it when done)
     * @throws IOException if the path is neither, or the archive cannot be read
     */
    static ImageSource open(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            return new FolderImageSource(path);
        }
        if (Files.isRegularFile(path) && path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zip")) {
            return new ZipImageSource(path);
        }
        throw new IOException("image source must be a directory or a .zip file: " + path.toAbsolutePath());
    }

    /**
     * Checks that a name is a plain relative path (no absolute path, no {@code ..}, no backslash, no
     * empty segment), so a dataset file cannot point outside its source.
     *
     * @param name the name
     * @return the name
     * @throws IllegalArgumentException if it is not
     */
    static String checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("image name is empty");
        }
        if (name.startsWith("/") || name.indexOf('\\') >= 0 || name.indexOf(':') >= 0) {
            throw new IllegalArgumentException("image name must be a relative path with '/' separators: " + name);
        }
        for (String part : name.split("/", -1)) {
            if (part.isEmpty() || part.equals("..") || part.equals(".")) {
                throw new IllegalArgumentException("image name has an empty, '.' or '..' segment: " + name);
            }
        }
        return name;
    }

    /**
     * @param name a relative path
     * @return its last segment
     */
    static String baseName(String name) {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? name : name.substring(slash + 1);
    }
}
