package dev.fiber.core.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An 8-bit RGB image, row-major, channels interleaved (H x W x 3, the layout of
 * {@code numpy.asarray(PIL.Image.open(f).convert("RGB"))}). This is the common input of FIBER's image
 * transforms ({@link AlbefTransform}, {@link FineTransform}).
 *
 * <p>Immutable: factories copy their input and {@link #toByteArray()} returns a copy.
 */
public final class RgbImage {

    private final int width;
    private final int height;
    private final byte[] rgb;

    private RgbImage(int width, int height, byte[] rgb) {
        this.width = width;
        this.height = height;
        this.rgb = rgb;
    }

    /**
     * Wraps raw interleaved RGB bytes.
     *
     * @param width  pixels per row, &gt; 0
     * @param height rows, &gt; 0
     * @param rgb    {@code height * width * 3} bytes (R, G, B per pixel, rows top to bottom); copied
     * @return the image
     */
    public static RgbImage of(int width, int height, byte[] rgb) {
        Objects.requireNonNull(rgb, "rgb");
        checkSize(width, height);
        if ((long) width * height * 3 != rgb.length) {
            throw new IllegalArgumentException("RGB buffer has " + rgb.length + " bytes, expected "
                    + width + " x " + height + " x 3 = " + ((long) width * height * 3));
        }
        return new RgbImage(width, height, rgb.clone());
    }

    /** Takes ownership of {@code rgb} without copying (package-internal producers only). */
    static RgbImage wrap(int width, int height, byte[] rgb) {
        checkSize(width, height);
        return new RgbImage(width, height, rgb);
    }

    private static void checkSize(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + " x " + height);
        }
        if ((long) width * height * 3 > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("image too large: " + width + " x " + height);
        }
    }

    /**
     * Converts a Java image the way Pillow's {@code convert("RGB")} does (alpha dropped, gray and palette
     * expanded, 16-bit colour reduced to its high byte); see {@link ImageDecoder#toRgb(BufferedImage, String)}.
     *
     * @param image the image
     * @return its RGB pixels
     */
    public static RgbImage fromBufferedImage(BufferedImage image) {
        return ImageDecoder.toRgb(image, "BufferedImage");
    }

    /**
     * Reads an image file (PNG, JPEG, BMP, GIF) like {@code Image.open(path).convert("RGB")}.
     *
     * @param path the file
     * @return its RGB pixels
     * @throws IOException if the file cannot be read or decoded (the message names the file)
     */
    public static RgbImage read(Path path) throws IOException {
        return ImageDecoder.read(path);
    }

    /** @return width in pixels */
    public int width() {
        return width;
    }

    /** @return height in pixels */
    public int height() {
        return height;
    }

    /**
     * @param x column
     * @param y row
     * @param c channel 0 (R), 1 (G) or 2 (B)
     * @return the value 0..255
     */
    public int get(int x, int y, int c) {
        if (x < 0 || x >= width || y < 0 || y >= height || c < 0 || c > 2) {
            throw new IndexOutOfBoundsException("pixel (" + x + ", " + y + ", " + c + ") outside "
                    + width + " x " + height + " x 3");
        }
        return rgb[(y * width + x) * 3 + c] & 0xFF;
    }

    /** @return a copy of the H x W x 3 bytes */
    public byte[] toByteArray() {
        return rgb.clone();
    }

    /** Direct access for the package's transforms (never exposed). */
    byte[] data() {
        return rgb;
    }

    /** @return a {@link BufferedImage#TYPE_INT_RGB} copy (e.g. to display or save) */
    public BufferedImage toBufferedImage() {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = (y * width + x) * 3;
                row[x] = ((rgb[i] & 0xFF) << 16) | ((rgb[i + 1] & 0xFF) << 8) | (rgb[i + 2] & 0xFF);
            }
            out.setRGB(0, y, width, 1, row, 0, width);
        }
        return out;
    }

    @Override
    public String toString() {
        return "RgbImage{" + width + "x" + height + "}";
    }
}
