package dev.fiber.tasks.grounding.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fiber.core.text.CharSpan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Flickr30k Entities recall@k on a hand-made MDETR-format annotation set. */
class FlickrRecallTest {

    /** Three sentences: "a man holds a dog" (1 man box, 2 dog boxes), "two cats" (1 box), one without phrases. */
    static final String JSON = """
            {"images": [
              {"file_name": "1000.jpg", "height": 300, "width": 400, "id": 0, "caption": "a man holds a dog",
               "dataset_name": "flickr", "tokens_negative": [[0, 17]], "sentence_id": 0, "original_img_id": 1000,
               "tokens_positive_eval": [[[0, 5]], [[12, 17]]]},
              {"file_name": "1000.jpg", "height": 300, "width": 400, "id": 1, "caption": "two cats",
               "sentence_id": 1, "original_img_id": 1000, "tokens_positive_eval": [[[0, 8]]]},
              {"file_name": "1000.jpg", "height": 300, "width": 400, "id": 2, "caption": "it is sunny",
               "sentence_id": 2, "original_img_id": 1000, "tokens_positive_eval": []}],
             "annotations": [
              {"area": 3200, "iscrowd": 0, "image_id": 0, "category_id": 1, "id": 0, "bbox": [10, 10, 40, 80],
               "tokens_positive": [[0, 5]]},
              {"area": 400, "iscrowd": 0, "image_id": 0, "category_id": 1, "id": 1, "bbox": [100, 100, 20, 20],
               "tokens_positive": [[12, 17]]},
              {"area": 400, "iscrowd": 0, "image_id": 0, "category_id": 1, "id": 2, "bbox": [200, 100, 20, 20],
               "tokens_positive": [[12, 17]]},
              {"area": 100, "iscrowd": 0, "image_id": 1, "category_id": 1, "id": 3, "bbox": [0, 0, 10, 10],
               "tokens_positive": [[0, 8]]}],
             "categories": [{"supercategory": "object", "id": 1, "name": "object"}]}
            """;

    static List<FlickrSentence> sentences(Path dir) throws IOException {
        Path f = dir.resolve("final_flickr_separateGT_test.json");
        Files.writeString(f, JSON);
        return FlickrEntities.read(f);
    }

    private static double[] far() {
        return new double[] {300, 200, 350, 250};
    }

    @Test
    void readsPhrasesAndTheirBoxes(@TempDir Path dir) throws Exception {
        List<FlickrSentence> s = sentences(dir);
        assertEquals(2, s.size()); // the sentence without phrases is skipped
        FlickrSentence first = s.get(0);
        assertEquals("a man holds a dog", first.caption());
        assertEquals("1000", first.originalImageId());
        assertEquals(List.of(new CharSpan(0, 5)), first.phrases().get(0).spans());
        assertArrayEquals(new double[] {10, 10, 50, 90}, first.phrases().get(0).boxes().get(0));
        assertEquals(2, first.phrases().get(1).boxes().size());
        assertArrayEquals(new double[] {200, 100, 220, 120}, first.phrases().get(1).boxes().get(1));
        assertEquals(1, s.get(1).sentenceId());
    }

    private static List<List<List<double[]>>> predictions() {
        // man: a far box, then the exact box (rank 2); dog: the second dog exactly at rank 1, then fillers, then
        // the box enclosing both dogs at rank 7; cats: nothing
        List<double[]> man = List.of(far(), new double[] {10, 10, 50, 90});
        List<double[]> dog = new ArrayList<>();
        dog.add(new double[] {200, 100, 220, 120});
        for (int i = 0; i < 5; i++) {
            dog.add(far());
        }
        dog.add(new double[] {100, 100, 220, 120});
        return List.of(List.of(man, dog), List.of(List.of()));
    }

    @Test
    void separateBoxesAnyBoxProtocol(@TempDir Path dir) throws Exception {
        List<FlickrSentence> s = sentences(dir);
        FlickrRecall r = new FlickrRecall(new int[] {1, 5, 10}, 0.5, GtBoxMode.SEPARATE);
        List<List<List<double[]>>> p = predictions();
        r.add(s.get(0), p.get(0));
        r.add(s.get(1), p.get(1));
        System.out.println(r.summary());
        assertEquals(3, r.phrases());
        assertEquals(1.0 / 3, r.recall(1), 1e-15); // only the dog at rank 1
        assertEquals(2.0 / 3, r.recall(5), 1e-15); // + the man at rank 2
        assertEquals(2.0 / 3, r.recall(10), 1e-15);
        assertEquals(2.0 / 3, r.upperBound(), 1e-15); // the cats have no prediction
    }

    @Test
    void mergedBoxesUseTheEnclosingBox(@TempDir Path dir) throws Exception {
        List<FlickrSentence> s = sentences(dir);
        FlickrRecall r = new FlickrRecall(new int[] {1, 5, 10}, 0.5, GtBoxMode.MERGED);
        List<List<List<double[]>>> p = predictions();
        r.add(s.get(0), p.get(0));
        r.add(s.get(1), p.get(1));
        // one dog box has IoU 400/2400 with the merged box; the enclosing box at rank 7 hits from k = 10
        assertEquals(0, r.recall(1), 1e-15);
        assertEquals(1.0 / 3, r.recall(5), 1e-15);
        assertEquals(2.0 / 3, r.recall(10), 1e-15);
        assertEquals(2.0 / 3, r.results().get("Upper_bound_all"), 1e-15);
        assertTrue(r.results().containsKey("Recall@5_all"));
    }

    @Test
    void iouAndGrouping() {
        assertEquals(1.0 / 7, BoxIou.iou(new double[] {0, 0, 2, 2}, new double[] {1, 1, 3, 3}), 1e-15);
        assertEquals(0, BoxIou.iou(new double[] {0, 0, 0, 0}, new double[] {0, 0, 10, 10}));
        assertArrayEquals(new double[] {0, 0, 3, 3}, BoxIou.enclosing(List.of(new double[] {0, 1, 2, 2},
                new double[] {1, 0, 3, 3})));
        List<List<double[]>> g = FlickrEntities.rankedByPhrase(new long[] {2, 1, 2},
                List.of(new double[] {1, 0, 0, 0}, new double[] {2, 0, 0, 0}, new double[] {3, 0, 0, 0}), 3);
        assertEquals(1, g.get(0).size());
        assertEquals(3.0, g.get(1).get(1)[0]);
        assertTrue(g.get(2).isEmpty());
    }

    @Test
    void badFiles(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("x.json");
        Files.writeString(f, "{\"images\": [{\"id\": 0, \"caption\": \"a dog\", \"tokens_positive_eval\": [[[0, 5]]]}],"
                + " \"annotations\": []}");
        IOException e = assertThrows(IOException.class, () -> FlickrEntities.read(f));
        assertTrue(e.getMessage().contains("has no box"), e.getMessage());
        Files.writeString(f, "{\"images\": [{\"id\": 0}], \"annotations\": []}");
        assertTrue(assertThrows(IOException.class, () -> FlickrEntities.read(f)).getMessage()
                .contains("not an MDETR Flickr30k Entities file"));
        assertThrows(IOException.class, () -> FlickrEntities.read(dir.resolve("missing.json")));
        FlickrRecall r = new FlickrRecall(new int[] {1}, 0.5, GtBoxMode.SEPARATE);
        assertThrows(IllegalArgumentException.class, () -> r.add(sentences(dir).get(0), List.of(List.of())));
    }
}
