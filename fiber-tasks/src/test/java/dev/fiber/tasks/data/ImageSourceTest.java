package dev.fiber.tasks.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fiber.core.image.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageSourceTest {

    @TempDir
    Path tmp;

    @Test
    void folderResolvesExactThenFlat() throws IOException {
        TestImages.writePng(tmp.resolve("val2014/COCO_val2014_000000000001.png"), TestImages.solid(4, 3, 10, 20, 30));
        TestImages.writePng(tmp.resolve("flat.png"), TestImages.solid(2, 2, 200, 0, 0));
        try (ImageSource src = ImageSource.open(tmp)) {
            assertInstanceOf(FolderImageSource.class, src);
            RgbImage a = src.read("val2014/COCO_val2014_000000000001.png");
            assertEquals(4, a.width());
            assertEquals(20, a.get(1, 1, 1));
            // a split-folder prefix falls back to the file in the root
            assertEquals(200, src.read("train2014/flat.png").get(0, 0, 0));
            assertTrue(src.contains("flat.png"));
            assertFalse(src.contains("missing.png"));
            IOException e = assertThrows(IOException.class, () -> src.read("missing.png"));
            assertTrue(e.getMessage().contains("missing.png") && e.getMessage().contains(tmp.toString()), e.getMessage());
        }
    }

    @Test
    void namesCannotEscapeTheSource() throws IOException {
        try (ImageSource src = ImageSource.open(tmp)) {
            for (String bad : new String[] {"../x.png", "/etc/passwd", "a\\b.png", "a//b.png", "./a.png", "", "c:/x.png"}) {
                assertThrows(IllegalArgumentException.class, () -> src.read(bad), bad);
            }
        }
    }

    @Test
    void zipFindsExactPrefixedAndBaseNames() throws IOException {
        Path zip = tmp.resolve("images.zip");
        TestImages.writeZip(zip,
                "coco/val2014/COCO_val2014_000000000007.png", TestImages.solid(3, 3, 7, 7, 7),
                "coco/train2014/a.png", TestImages.solid(3, 3, 1, 1, 1),
                "other/a.png", TestImages.solid(3, 3, 2, 2, 2),
                "exact/b.png", TestImages.solid(5, 1, 9, 9, 9));
        try (ImageSource src = ImageSource.open(zip)) {
            assertInstanceOf(ZipImageSource.class, src);
            assertEquals(4, ((ZipImageSource) src).size());
            assertEquals(9, src.read("exact/b.png").get(4, 0, 2));
            assertEquals(7, src.read("val2014/COCO_val2014_000000000007.png").get(0, 0, 0)); // suffix
            assertEquals(7, src.read("COCO_val2014_000000000007.png").get(0, 0, 0)); // suffix by file name
            assertEquals(1, src.read("train2014/a.png").get(0, 0, 0)); // unique suffix
            IOException amb = assertThrows(IOException.class, () -> src.read("a.png"));
            assertTrue(amb.getMessage().contains("ambiguous"), amb.getMessage());
            assertFalse(src.contains("a.png"));
            IOException miss = assertThrows(IOException.class, () -> src.read("nope.png"));
            assertTrue(miss.getMessage().contains("nope.png") && miss.getMessage().contains("images.zip"), miss.getMessage());
        }
    }

    @Test
    void brokenImageNamesTheEntry() throws IOException {
        Path zip = tmp.resolve("broken.zip");
        try (var os = Files.newOutputStream(zip); var z = new java.util.zip.ZipOutputStream(os)) {
            z.putNextEntry(new java.util.zip.ZipEntry("x/bad.png"));
            z.write(new byte[] {1, 2, 3, 4});
            z.closeEntry();
        }
        try (ImageSource src = ImageSource.open(zip)) {
            IOException e = assertThrows(IOException.class, () -> src.read("x/bad.png"));
            assertTrue(e.getMessage().contains("bad.png"), e.getMessage());
        }
    }

    @Test
    void openRejectsOtherFiles() throws IOException {
        Path f = Files.writeString(tmp.resolve("notes.txt"), "x");
        assertThrows(IOException.class, () -> ImageSource.open(f));
        assertThrows(IOException.class, () -> ImageSource.open(tmp.resolve("absent")));
    }

    @Test
    void memorySource() throws IOException {
        RgbImage img = TestImages.solid(1, 1, 5, 6, 7);
        try (ImageSource src = new MemoryImageSource(Map.of("a/b.png", img))) {
            assertEquals(6, src.read("a/b.png").get(0, 0, 1));
            assertThrows(IOException.class, () -> src.read("c.png"));
        }
    }
}
