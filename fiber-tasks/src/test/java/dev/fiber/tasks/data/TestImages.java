package dev.fiber.tasks.data;

import dev.fiber.core.image.RgbImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/** Small images written as PNG files or zip entries for the data tests. */
final class TestImages {

    private TestImages() {}

    /** A w x h image filled with one colour, plus a marker pixel so images differ. */
    static RgbImage solid(int w, int h, int r, int g, int b) {
        byte[] px = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            px[i * 3] = (byte) r;
            px[i * 3 + 1] = (byte) g;
            px[i * 3 + 2] = (byte) b;
        }
        return RgbImage.of(w, h, px);
    }

    static byte[] png(RgbImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img.toBufferedImage(), "png", out);
        return out.toByteArray();
    }

    static void writePng(Path file, RgbImage img) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, png(img));
    }

    /** Writes a zip with the given (entry name, image) pairs. */
    static void writeZip(Path zip, Object... nameImagePairs) throws IOException {
        try (OutputStream os = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(os)) {
            for (int i = 0; i < nameImagePairs.length; i += 2) {
                z.putNextEntry(new ZipEntry((String) nameImagePairs[i]));
                z.write(png((RgbImage) nameImagePairs[i + 1]));
                z.closeEntry();
            }
        }
    }
}
