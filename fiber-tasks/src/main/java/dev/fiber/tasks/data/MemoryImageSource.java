package dev.fiber.tasks.data;

import dev.fiber.core.image.RgbImage;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;

/**
 * Images held in memory by name, e.g. a generated data set
 * ({@link dev.fiber.tasks.shapes.ShapesDataset}) fed to the same dataset classes as files. Immutable
 * and thread-safe.
 */
public final class MemoryImageSource implements ImageSource {

    private final Map<String, RgbImage> images;

    /**
     * @param images images by name (copied)
     */
    public MemoryImageSource(Map<String, RgbImage> images) {
        this.images = Map.copyOf(Objects.requireNonNull(images, "images"));
    }

    @Override
    public RgbImage read(String name) throws IOException {
        RgbImage img = images.get(name);
        if (img == null) {
            throw new IOException("image '" + name + "' not found in memory source (" + images.size() + " images)");
        }
        return img;
    }

    @Override
    public boolean contains(String name) {
        return images.containsKey(name);
    }

    @Override
    public String describe() {
        return "memory (" + images.size() + " images)";
    }

    @Override
    public void close() {
        // nothing to release
    }
}
