package dev.fiber.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fiber.core.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {

    @Test
    void readsReferenceArchive() throws IOException {
        Map<String, NpyArray> npz = Npy.readNpz(TestData.file("coarse/tiny_cases.npz"));
        NpyArray ids = npz.get("text_ids");
        assertEquals("<i8", ids.descr());
        assertArrayEquals(new long[] {2, 40}, ids.shape());
        assertEquals(0L, ids.toLongArray()[0]); // <s>
        NpyArray image = npz.get("image");
        assertArrayEquals(new long[] {2, 3, 96, 96}, image.shape());
        assertEquals(2 * 3 * 96 * 96, image.toFloatArray().length);
    }

    @Test
    void roundTripsAndRejectsGarbage(@TempDir Path dir) throws IOException {
        Path p = dir.resolve("x.npz");
        Map<String, Npy.Entry> m = new LinkedHashMap<>();
        m.put("a", Npy.Entry.of(new float[] {1.5f, -2f, 3f, 4f, 5f, 6f}, 2, 3));
        m.put("b", Npy.Entry.of(new long[] {7L}, 1));
        m.put("c", Npy.Entry.of(new float[] {9f}));
        Npy.writeNpz(p, m);
        Map<String, NpyArray> back = Npy.readNpz(p);
        assertArrayEquals(new float[] {1.5f, -2f, 3f, 4f, 5f, 6f}, back.get("a").toFloatArray());
        assertArrayEquals(new long[] {2, 3}, back.get("a").shape());
        assertArrayEquals(new long[] {7L}, back.get("b").toLongArray());
        assertArrayEquals(new long[] {}, back.get("c").shape());
        Path bad = dir.resolve("bad.npy");
        Files.write(bad, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
        assertThrows(IOException.class, () -> Npy.readNpy(bad));
    }
}
