package dev.fiber.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fiber.core.TestData;
import dev.fiber.core.io.Npy;
import dev.fiber.core.io.NpyArray;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decoding and Pillow {@code convert("RGB")} semantics: the reference images against their decoded
 * arrays, then synthetic PNG / BMP / GIF / JPEG files of every colour layout, and the errors.
 */
class ImageDecoderTest {

    private static byte[] reference(Map<String, NpyArray> npz, String key) {
        long[] v = npz.get(key).toLongArray();
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    @Test
    void referenceImagesDecodeLikePillow() throws IOException {
        Map<String, NpyArray> npz = Npy.readNpz(TestData.file("coarse/preprocess_cases.npz"));
        for (String f : new String[] {"a.png", "b.png", "c.jpg"}) {
            RgbImage img = RgbImage.read(TestData.file("coarse/images/" + f));
            String key = f.substring(0, 1) + "__rgb";
            long[] shape = npz.get(key).shape();
            assertEquals(shape[0], img.height(), f);
            assertEquals(shape[1], img.width(), f);
            byte[] want = reference(npz, key);
            byte[] got = img.toByteArray();
            int max = 0;
            long sum = 0;
            for (int i = 0; i < got.length; i++) {
                int d = Math.abs((got[i] & 0xFF) - (want[i] & 0xFF));
                max = Math.max(max, d);
                sum += d;
            }
            System.out.printf("decode %s vs Pillow: max |diff| %d, mean %.4f%n", f, max, (double) sum / got.length);
            if (f.endsWith(".png")) {
                assertArrayEquals(want, got, f);
            } else {
                assertTrue(max <= 8 && (double) sum / got.length <= 1.0, f + ": JPEG decoders differ too much");
            }
        }
    }

    private static BufferedImage componentImage(int colorSpace, boolean alpha, int dataType, int w, int h, int[] samples) {
        ColorSpace cs = ColorSpace.getInstance(colorSpace);
        ComponentColorModel cm = new ComponentColorModel(cs, alpha, false,
                alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE, dataType);
        WritableRaster r = cm.createCompatibleWritableRaster(w, h);
        r.setPixels(0, 0, w, h, samples);
        return new BufferedImage(cm, r, false, null);
    }

    private static RgbImage roundTrip(BufferedImage img, String format, Path dir) throws IOException {
        Path f = dir.resolve("img." + format);
        assertTrue(ImageIO.write(img, format, f.toFile()), "no " + format + " writer for " + img);
        return RgbImage.read(f);
    }

    private static int[] rgbOf(RgbImage img) {
        byte[] b = img.toByteArray();
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i] & 0xFF;
        }
        return out;
    }

    @Test
    void streamsDecodeLikeFiles() throws IOException {
        Path f = TestData.file("coarse/images/c.jpg");
        try (java.io.InputStream in = Files.newInputStream(f)) {
            assertArrayEquals(RgbImage.read(f).toByteArray(), ImageDecoder.read(in, "c.jpg").toByteArray());
        }
        IOException e = assertThrows(IOException.class,
                () -> ImageDecoder.read(new java.io.ByteArrayInputStream(new byte[10]), "upload-42"));
        assertTrue(e.getMessage().contains("upload-42"), e.getMessage());
    }

    @Test
    void grayIsReplicatedNotGammaCorrected(@TempDir Path dir) throws IOException {
        BufferedImage g = componentImage(ColorSpace.CS_GRAY, false, DataBuffer.TYPE_BYTE, 3, 1, new int[] {0, 100, 255});
        assertArrayEquals(new int[] {0, 0, 0, 100, 100, 100, 255, 255, 255}, rgbOf(roundTrip(g, "png", dir)));
        assertArrayEquals(new int[] {0, 0, 0, 100, 100, 100, 255, 255, 255}, rgbOf(RgbImage.fromBufferedImage(g)));
    }

    @Test
    void alphaIsDropped(@TempDir Path dir) throws IOException {
        BufferedImage rgba = componentImage(ColorSpace.CS_sRGB, true, DataBuffer.TYPE_BYTE, 2, 1,
                new int[] {10, 20, 30, 0, 200, 150, 100, 128});
        assertArrayEquals(new int[] {10, 20, 30, 200, 150, 100}, rgbOf(roundTrip(rgba, "png", dir)));
        BufferedImage la = componentImage(ColorSpace.CS_GRAY, true, DataBuffer.TYPE_BYTE, 2, 1, new int[] {77, 0, 200, 255});
        assertArrayEquals(new int[] {77, 77, 77, 200, 200, 200}, rgbOf(roundTrip(la, "png", dir)));
        BufferedImage argb = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x00102030);
        assertArrayEquals(new int[] {0x10, 0x20, 0x30}, rgbOf(RgbImage.fromBufferedImage(argb)));
    }

    @Test
    void sixteenBitFollowsPillow(@TempDir Path dir) throws IOException {
        // 16-bit gray is Pillow mode I;16, whose conversion to RGB saturates at 255
        BufferedImage g16 = componentImage(ColorSpace.CS_GRAY, false, DataBuffer.TYPE_USHORT, 4, 1,
                new int[] {0, 100, 256, 65535});
        assertArrayEquals(new int[] {0, 0, 0, 100, 100, 100, 255, 255, 255, 255, 255, 255},
                rgbOf(roundTrip(g16, "png", dir)));
        // 16-bit colour keeps the high byte
        BufferedImage rgb16 = componentImage(ColorSpace.CS_sRGB, false, DataBuffer.TYPE_USHORT, 1, 1,
                new int[] {0x1234, 0xABCD, 0x00FF});
        assertArrayEquals(new int[] {0x12, 0xAB, 0x00}, rgbOf(roundTrip(rgb16, "png", dir)));
        BufferedImage rgba16 = componentImage(ColorSpace.CS_sRGB, true, DataBuffer.TYPE_USHORT, 1, 1,
                new int[] {0x1234, 0xABCD, 0xFF00, 0});
        assertArrayEquals(new int[] {0x12, 0xAB, 0xFF}, rgbOf(roundTrip(rgba16, "png", dir)));
    }

    @Test
    void paletteImagesUseTheirPalette(@TempDir Path dir) throws IOException {
        byte[] r = {0, (byte) 255, 10, 99};
        byte[] g = {0, (byte) 128, 20, 98};
        byte[] b = {0, 1, 30, 97};
        byte[] a = {(byte) 255, (byte) 255, 0, (byte) 255};
        IndexColorModel icm = new IndexColorModel(2, 4, r, g, b, a);
        BufferedImage p = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_BINARY, icm);
        p.getRaster().setSamples(0, 0, 4, 1, 0, new int[] {3, 2, 1, 0});
        int[] want = {99, 98, 97, 10, 20, 30, 255, 128, 1, 0, 0, 0};
        assertArrayEquals(want, rgbOf(roundTrip(p, "png", dir)), "indexed PNG with transparency");
        IndexColorModel opaque = new IndexColorModel(8, 4, r, g, b);
        BufferedImage p8 = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_INDEXED, opaque);
        p8.getRaster().setSamples(0, 0, 4, 1, 0, new int[] {3, 2, 1, 0});
        assertArrayEquals(want, rgbOf(roundTrip(p8, "gif", dir)), "GIF");
        assertArrayEquals(want, rgbOf(RgbImage.read(writeBmp8(dir.resolve("p8.bmp"), r, g, b, new int[] {3, 2, 1, 0}))),
                "8-bit BMP");
    }

    /** A hand-made 8-bit palette BMP, 1 row (the JDK's BMP writer mis-writes indexed images). */
    private static Path writeBmp8(Path f, byte[] r, byte[] g, byte[] b, int[] indices) throws IOException {
        int colors = r.length;
        int rowBytes = (indices.length + 3) / 4 * 4;
        int offset = 14 + 40 + 4 * colors;
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(offset + rowBytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        buf.put((byte) 'B').put((byte) 'M').putInt(offset + rowBytes).putInt(0).putInt(offset);
        buf.putInt(40).putInt(indices.length).putInt(1).putShort((short) 1).putShort((short) 8).putInt(0)
                .putInt(rowBytes).putInt(2835).putInt(2835).putInt(colors).putInt(0);
        for (int i = 0; i < colors; i++) {
            buf.put(b[i]).put(g[i]).put(r[i]).put((byte) 0);
        }
        for (int i = 0; i < rowBytes; i++) {
            buf.put((byte) (i < indices.length ? indices[i] : 0));
        }
        Files.write(f, buf.array());
        return f;
    }

    @Test
    void bmpAndJpeg(@TempDir Path dir) throws IOException {
        BufferedImage bgr = new BufferedImage(2, 1, BufferedImage.TYPE_3BYTE_BGR);
        bgr.setRGB(0, 0, 0x112233);
        bgr.setRGB(1, 0, 0xFFEEDD);
        assertArrayEquals(new int[] {0x11, 0x22, 0x33, 0xFF, 0xEE, 0xDD}, rgbOf(roundTrip(bgr, "bmp", dir)));
        BufferedImage s565 = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_565_RGB);
        s565.getRaster().setDataElements(0, 0, new short[] {(short) 0xF800});
        s565.getRaster().setDataElements(1, 0, new short[] {(short) ((3 << 11) | (10 << 5) | 31)});
        // Pillow's BGR;16 unpacker: v * 255 / 31 (or 63), integer division
        assertArrayEquals(new int[] {255, 0, 0, 3 * 255 / 31, 10 * 255 / 63, 255}, rgbOf(RgbImage.fromBufferedImage(s565)));
        BufferedImage gray = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                gray.getRaster().setSample(x, y, 0, 128);
            }
        }
        int[] jpg = rgbOf(roundTrip(gray, "jpg", dir));
        assertEquals(16 * 16 * 3, jpg.length);
        assertTrue(Arrays.stream(jpg).allMatch(v -> Math.abs(v - 128) <= 1), "flat gray JPEG stays flat");
    }

    @Test
    void rawBytesAndBufferedImageRoundTrip() {
        byte[] raw = {1, 2, 3, 4, 5, 6};
        RgbImage img = RgbImage.of(2, 1, raw);
        raw[0] = 99;
        assertEquals(1, img.get(0, 0, 0), "input copied");
        assertEquals(6, img.get(1, 0, 2));
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6}, RgbImage.fromBufferedImage(img.toBufferedImage()).toByteArray());
        assertThrows(IllegalArgumentException.class, () -> RgbImage.of(2, 2, raw));
        assertThrows(IllegalArgumentException.class, () -> RgbImage.of(0, 1, new byte[0]));
        assertThrows(IndexOutOfBoundsException.class, () -> img.get(2, 0, 0));
    }

    @Test
    void unreadableFilesNameTheFile(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("nope.png");
        IOException e1 = assertThrows(IOException.class, () -> RgbImage.read(missing));
        assertTrue(e1.getMessage().contains("nope.png"), e1.getMessage());

        Path text = dir.resolve("notes.jpg");
        Files.writeString(text, "this is not an image");
        IOException e2 = assertThrows(IOException.class, () -> RgbImage.read(text));
        assertTrue(e2.getMessage().contains("notes.jpg") && e2.getMessage().contains("unsupported"), e2.getMessage());

        byte[] png = Files.readAllBytes(TestData.file("coarse/images/a.png"));
        Path truncated = dir.resolve("truncated.png");
        Files.write(truncated, Arrays.copyOf(png, png.length / 3));
        IOException e3 = assertThrows(IOException.class, () -> RgbImage.read(truncated));
        assertTrue(e3.getMessage().contains("truncated.png"), e3.getMessage());

        Path webp = dir.resolve("x.webp");
        Files.write(webp, new byte[] {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', ' '});
        IOException e4 = assertThrows(IOException.class, () -> RgbImage.read(webp));
        assertTrue(e4.getMessage().contains("x.webp"), e4.getMessage());
    }
}
