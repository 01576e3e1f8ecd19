package dev.fiber.core.image;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes image files with {@code javax.imageio} (PNG, JPEG, BMP, GIF, first frame) and converts
 * them to RGB with the semantics of Pillow's {@code Image.open(f).convert("RGB")}, which is how both
 * FIBER pipelines load images ({@code fiber/datasets/base_dataset.py}, {@code pil_loader} in the
 * fine-grained datasets):
 *
 * <ul>
 *   <li>grayscale ({@code L}) is replicated into R, G and B; palette images ({@code P}, GIF, indexed
 *       PNG) are looked up in their palette;</li>
 *   <li>alpha ({@code RGBA}, {@code LA}, palette transparency) is <em>dropped</em>, not composited
 *       over a background;</li>
 *   <li>16-bit RGB / RGBA / gray+alpha PNGs keep the high byte of each sample (Pillow's
 *       {@code RGB;16B} unpacker); 16-bit grayscale PNGs are mode {@code I;16} in Pillow, whose
 *       conversion to RGB <em>saturates</em> at 255 ({@code min(v, 255)}), reproduced here;</li>
 *   <li>packed 15/16-bit colour (BMP) is scaled as {@code v * 255 / max} with integer division;</li>
 *   <li>colour profiles (ICC, PNG gAMA) and EXIF orientation are ignored, as Pillow does here;
 *       sample values are read from the raster, never through Java's colour conversion (which would
 *       gamma-correct linear gray).</li>
 * </ul>
 *
 * <p>JPEG decoding is done by the JDK's libjpeg, Pillow uses libjpeg-turbo: pixel values can differ
 * by a few levels (IDCT / chroma upsampling), which the tests bound.
 */
public final class ImageDecoder {

    private ImageDecoder() {}

    /**
     * Reads and converts an image file.
     *
     * @param path the file
     * @return its RGB pixels
     * @throws IOException if the file is missing, not an image format javax.imageio can read
     *     (e.g. WebP, TIFF without a plugin), or cannot be decoded (truncated, CMYK JPEG, ...); the
     *     message names the file
     */
    public static RgbImage read(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        if (!Files.isRegularFile(path)) {
            throw new IOException("image file not found: " + path.toAbsolutePath());
        }
        try (ImageInputStream iis = new FileImageInputStream(path.toFile())) {
            return decode(iis, path.toString());
        }
    }

    /**
     * Reads and converts an image from a stream (not closed).
     *
     * @param in   the encoded image
     * @param name a name for error messages (file name, URL, ...)
     * @return its RGB pixels
     * @throws IOException if the stream is not a readable image; the message contains {@code name}
     */
    public static RgbImage read(InputStream in, String name) throws IOException {
        Objects.requireNonNull(in, "in");
        try (ImageInputStream iis = new MemoryCacheImageInputStream(in)) {
            return decode(iis, name);
        }
    }

    private static RgbImage decode(ImageInputStream iis, String name) throws IOException {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
        if (!readers.hasNext()) {
            throw new IOException("unsupported or unrecognised image format: " + name
                    + " (readable formats: PNG, JPEG, BMP, GIF)");
        }
        ImageReader reader = readers.next();
        BufferedImage image;
        try {
            reader.setInput(iis, true, true);
            image = reader.read(0);
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot decode image " + name + " (" + reader.getFormatName() + "): "
                    + e.getMessage(), e);
        } finally {
            reader.dispose();
        }
        if (image == null) {
            throw new IOException("cannot decode image " + name);
        }
        return toRgb(image, name);
    }

    /**
     * Converts a decoded image to RGB bytes with Pillow's {@code convert("RGB")} rules (see the class
     * comment). Images whose layout is none of the decoders' (e.g. float rasters) fall back to
     * {@link BufferedImage#getRGB}, i.e. Java's conversion to sRGB.
     *
     * @param image the image
     * @param name  a name for error messages
     * @return its RGB pixels
     */
    static RgbImage toRgb(BufferedImage image, String name) {
        Objects.requireNonNull(image, "image");
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] out = new byte[w * h * 3];
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        if (cm instanceof IndexColorModel icm) {
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    int i = (y * w + x) * 3;
                    out[i] = (byte) icm.getRed(row[x]);
                    out[i + 1] = (byte) icm.getGreen(row[x]);
                    out[i + 2] = (byte) icm.getBlue(row[x]);
                }
            }
        } else if (cm instanceof ComponentColorModel && isIntegral(raster.getTransferType())
                && (cm.getNumColorComponents() == 1 || cm.getNumColorComponents() == 3)) {
            int bands = raster.getNumBands();
            int colors = cm.getNumColorComponents();
            int bits = cm.getComponentSize(0);
            boolean hasAlpha = cm.hasAlpha();
            int[] row = new int[w * bands];
            for (int y = 0; y < h; y++) {
                raster.getPixels(0, y, w, 1, row);
                for (int x = 0; x < w; x++) {
                    int i = (y * w + x) * 3;
                    if (colors == 1) {
                        int v = componentToByte(row[x * bands], bits, true, hasAlpha);
                        out[i] = out[i + 1] = out[i + 2] = (byte) v;
                    } else {
                        for (int c = 0; c < 3; c++) {
                            out[i + c] = (byte) componentToByte(row[x * bands + c], cm.getComponentSize(c), false, hasAlpha);
                        }
                    }
                }
            }
        } else if (cm instanceof DirectColorModel dcm) {
            int[] masks = {dcm.getRedMask(), dcm.getGreenMask(), dcm.getBlueMask()};
            Object pixel = null;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    pixel = raster.getDataElements(x, y, pixel);
                    int p = packedPixel(pixel);
                    int i = (y * w + x) * 3;
                    for (int c = 0; c < 3; c++) {
                        out[i + c] = (byte) maskToByte(p, masks[c]);
                    }
                }
            }
        } else {
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                image.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    int i = (y * w + x) * 3;
                    out[i] = (byte) (row[x] >> 16);
                    out[i + 1] = (byte) (row[x] >> 8);
                    out[i + 2] = (byte) row[x];
                }
            }
        }
        return RgbImage.wrap(w, h, out);
    }

    private static boolean isIntegral(int transferType) {
        return transferType == DataBuffer.TYPE_BYTE || transferType == DataBuffer.TYPE_USHORT;
    }

    /**
     * One sample to 8 bits the Pillow way: 8-bit as is; fewer bits scaled to 0..255 (L;2 / L;4
     * unpackers); 16-bit colour and gray+alpha keep the high byte; 16-bit gray alone saturates (I;16).
     */
    private static int componentToByte(int v, int bits, boolean gray, boolean hasAlpha) {
        if (bits == 8) {
            return v & 0xFF;
        }
        if (bits < 8) {
            int max = (1 << bits) - 1;
            return v * 255 / max;
        }
        if (gray && !hasAlpha) {
            return Math.min(v, 255);
        }
        return (v >>> (bits - 8)) & 0xFF;
    }

    private static int packedPixel(Object data) {
        if (data instanceof int[] a) {
            return a[0];
        }
        if (data instanceof short[] a) {
            return a[0] & 0xFFFF;
        }
        if (data instanceof byte[] a) {
            return a[0] & 0xFF;
        }
        throw new IllegalStateException("unexpected packed pixel type " + data.getClass());
    }

    private static int maskToByte(int pixel, int mask) {
        if (mask == 0) {
            return 0;
        }
        int shift = Integer.numberOfTrailingZeros(mask);
        int bits = Integer.bitCount(mask);
        int v = (pixel & mask) >>> shift;
        if (bits == 8) {
            return v;
        }
        if (bits > 8) {
            return v >>> (bits - 8);
        }
        return v * 255 / ((1 << bits) - 1);
    }
}
