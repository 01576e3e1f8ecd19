package dev.fiber.tasks.retrieval;

import dev.fiber.core.TestData;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fiber.tasks.metrics.RetrievalRecall;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KarpathyDatasetTest {

    @TempDir
    Path tmp;

    @Test
    void readsCocoFormat() throws Exception {
        KarpathyDataset d = KarpathyDataset.read(TestData.file("retrieval/karpathy_coco_tiny.json"));
        assertEquals("coco", d.dataset());
        assertEquals(4, d.images().size());
        KarpathyDataset.Image first = d.images().get(0);
        assertEquals("val2014/COCO_val2014_000000391895.jpg", first.relativePath());
        assertEquals(391895, first.cocoId());
        assertEquals("A man riding a horse on a sandy beach.", first.sentences().get(0).raw());
        assertEquals(9, first.sentences().get(0).tokens().size());
        assertEquals(2, d.split("train", "restval").size());
        KarpathyDataset.Gallery g = d.gallery("test");
        assertEquals(2, g.images().size());
        assertEquals(11, g.captions().size(), "5 + 6 captions");
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1}, g.captionImageIdx());
        // the mapping plugs into recall@K: a perfect similarity matrix gives recall 1
        float[] s = new float[2 * 11];
        for (int j = 0; j < 11; j++) {
            s[g.captionImageIdx()[j] * 11 + j] = 1f;
        }
        RetrievalRecall r = RetrievalRecall.compute(s, 2, 11, g.imageIds(), g.captionImageIds());
        assertEquals(1.0, r.textRecallAt(1));
        assertEquals(1.0, r.imageRecallAt(1));
        assertThrows(IllegalArgumentException.class, () -> d.gallery("nosuchsplit"));
    }

    @Test
    void readsFlickrFormatAndRejectsOthers() throws Exception {
        KarpathyDataset d = KarpathyDataset.read(TestData.file("retrieval/karpathy_f30k_tiny.json"));
        assertEquals("flickr30k", d.dataset());
        KarpathyDataset.Image test = d.split("test").get(0);
        assertNull(test.filepath());
        assertEquals("1000092797.jpg", test.relativePath());
        assertEquals(-1, test.cocoId());
        assertEquals(5, d.gallery("test").captions().size());

        Path f = tmp.resolve("x.json");
        Files.writeString(f, "{\"dataset\": \"coco\"}");
        assertTrue(assertThrows(IOException.class, () -> KarpathyDataset.read(f)).getMessage().contains("images"));
        Files.writeString(f, "{\"images\": [{\"filename\": \"a.jpg\", \"split\": \"test\", \"sentences\": [{}]}]}");
        assertTrue(assertThrows(IOException.class, () -> KarpathyDataset.read(f)).getMessage().contains("raw"));
        Files.writeString(f, "{\"images\": [");
        assertThrows(IOException.class, () -> KarpathyDataset.read(f));
    }
}
