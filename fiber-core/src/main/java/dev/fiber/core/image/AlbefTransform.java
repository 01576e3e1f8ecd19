package dev.fiber.core.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Coarse-grained FIBER's evaluation image transform {@code albef_transform(size)}
 * ({@code fiber/transforms/transform.py}, from ALBEF): {@code Resize((S, S), BICUBIC)} on the 8-bit RGB
 * image (Pillow's antialiasing bicubic, aspect ratio not kept), {@code ToTensor()} (/255) and
 * {@code Normalize} with the ImageNet mean {@code (0.485, 0.456, 0.406)} and std
 * {@code (0.229, 0.224, 0.225)}. The result is float32 CHW (3 x S x S), computed with the same float32
 * operations as torchvision: {@code ((u / 255f) - mean) / std}.
 *
 * <p>Immutable and thread-safe.
 */
public final class AlbefTransform {

    /** ImageNet mean (R, G, B) used by {@code albef_transform}. */
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    /** ImageNet std (R, G, B) used by {@code albef_transform}. */
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    private final int size;

    /**
     * @param size output side S ({@code image_size} of the config: 384 for FIBER-B, 576 for fine-tuning
     *     on some tasks)
     */
    public AlbefTransform(int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + size);
        }
        this.size = size;
    }

    /** @return the output side S */
    public int size() {
        return size;
    }

    /** @return a copy of the normalisation mean (R, G, B) */
    public static float[] mean() {
        return MEAN.clone();
    }

    /** @return a copy of the normalisation std (R, G, B) */
    public static float[] std() {
        return STD.clone();
    }

    /**
     * @param image the RGB image
     * @return the image resized to S x S with Pillow's bicubic filter (the uint8 stage of the transform)
     */
    public RgbImage resize(RgbImage image) {
        return PilResample.resize(image, size, size, PilResample.Filter.BICUBIC);
    }

    /**
     * @param image the RGB image
     * @return the model input, float32 CHW, {@code 3 * S * S} values
     */
    public float[] apply(RgbImage image) {
        return normalize(resize(Objects.requireNonNull(image, "image")));
    }

    /**
     * Reads an image file and transforms it.
     *
     * @param path the image file
     * @return the model input, float32 CHW
     * @throws IOException if the file cannot be decoded (the message names it)
     */
    public float[] apply(Path path) throws IOException {
        return apply(ImageDecoder.read(path));
    }

    /**
     * {@code ToTensor} + {@code Normalize} of an already resized image.
     *
     * @param resized the uint8 image (any size)
     * @return float32 CHW values
     */
    public static float[] normalize(RgbImage resized) {
        int w = resized.width();
        int h = resized.height();
        int plane = w * h;
        byte[] px = resized.data();
        float[] out = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                float x = (px[i * 3 + c] & 0xFF) / 255f;
                out[c * plane + i] = (x - MEAN[c]) / STD[c];
            }
        }
        return out;
    }

    /**
     * @param image   the RGB image
     * @param manager owns the result
     * @return float32 array of shape (1, 3, S, S)
     */
    public NDArray toNDArray(RgbImage image, NDManager manager) {
        return manager.create(apply(image), new Shape(1, 3, size, size));
    }

    /**
     * @param images  the RGB images, at least one
     * @param manager owns the result
     * @return float32 array of shape (B, 3, S, S)
     */
    public NDArray batch(List<RgbImage> images, NDManager manager) {
        Objects.requireNonNull(images, "images");
        if (images.isEmpty()) {
            throw new IllegalArgumentException("cannot build a batch of zero images");
        }
        int n = 3 * size * size;
        float[] all = new float[images.size() * n];
        for (int b = 0; b < images.size(); b++) {
            RgbImage img = images.get(b);
            if (img == null) {
                throw new NullPointerException("image " + b + " of the batch is null");
            }
            System.arraycopy(apply(img), 0, all, b * n, n);
        }
        return manager.create(all, new Shape(images.size(), 3, size, size));
    }

    @Override
    public String toString() {
        return "AlbefTransform{size=" + size + "}";
    }
}
