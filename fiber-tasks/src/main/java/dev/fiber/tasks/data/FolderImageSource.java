package dev.fiber.tasks.data;

import dev.fiber.core.image.ImageDecoder;
import dev.fiber.core.image.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Images in a directory tree. {@code name} is resolved against the root; if no such file exists and
 * the name has folders, the file name alone is tried in the root, so one flat folder of images also
 * serves readers that prefix a split folder (e.g. {@code val2014/COCO_val2014_...jpg} found as
 * {@code root/COCO_val2014_...jpg}). Thread-safe.
 */
public final class FolderImageSource implements ImageSource {

    private final Path root;

    /**
     * @param root the directory
     * @throws IOException if it is not a directory
     */
    public FolderImageSource(Path root) throws IOException {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        if (!Files.isDirectory(this.root)) {
            throw new IOException("image folder not found: " + this.root);
        }
    }

    /** @return the root directory */
    public Path root() {
        return root;
    }

    /**
     * @param name relative path
     * @return the file that {@link #read} uses, or {@code null} if there is none
     */
    public Path resolve(String name) {
        ImageSource.checkName(name);
        Path p = root.resolve(name);
        if (Files.isRegularFile(p)) {
            return p;
        }
        if (name.indexOf('/') >= 0) {
            Path flat = root.resolve(ImageSource.baseName(name));
            if (Files.isRegularFile(flat)) {
                return flat;
            }
        }
        return null;
    }

    @Override
    public RgbImage read(String name) throws IOException {
        Path p = resolve(name);
        if (p == null) {
            throw new IOException("image '" + name + "' not found in folder " + root);
        }
        return ImageDecoder.read(p);
    }

    @Override
    public boolean contains(String name) {
        return resolve(name) != null;
    }

    @Override
    public String describe() {
        return "folder " + root;
    }

    @Override
    public void close() {
        // nothing to release
    }

    @Override
    public String toString() {
        return "FolderImageSource{" + root + "}";
    }
}
