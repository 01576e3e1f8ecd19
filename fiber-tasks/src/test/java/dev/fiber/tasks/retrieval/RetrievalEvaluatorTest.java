package dev.fiber.tasks.retrieval;

import dev.fiber.core.TestData;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.fiber.core.image.ImageDecoder;
import dev.fiber.core.image.RgbImage;
import dev.fiber.tasks.common.TinyTasks;
import dev.fiber.tasks.metrics.RetrievalRecall;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recall@K of {@link RetrievalEvaluator} on a tiny hand-made Karpathy split (3 images, 2 captions
 * each, plus a train image that must be ignored) equals the recall of similarity matrices computed
 * pair by pair: ITC from single embeddings, and ITM re-ranking with K = all from the full ITM matrix.
 */
class RetrievalEvaluatorTest {

    static final String[][] CAPTIONS = {
        {"a man riding a horse on a sandy beach.", "a rider on the shore"},
        {"Two dogs are playing with a red frisbee in the park, while a small crowd watches them.", "dogs in a park"},
        {"a red bus on a street", "a city bus"}};
    static final String[] FILES = {"a.png", "b.png", "c.jpg"};

    @TempDir
    static Path tmp;
    static Path karpathy;
    static FiberRetrieval retrieval;

    @BeforeAll
    static void setUp() throws Exception {
        StringBuilder sb = new StringBuilder("{\"dataset\": \"tiny\", \"images\": [");
        int sent = 0;
        for (int i = 0; i < 3; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"filepath\": \"\", \"filename\": \"").append(FILES[i]).append("\", \"imgid\": ").append(i)
                    .append(", \"split\": \"test\", \"sentences\": [");
            for (int j = 0; j < 2; j++) {
                sb.append(j == 0 ? "" : ",").append("{\"sentid\": ").append(sent++).append(", \"raw\": \"").append(CAPTIONS[i][j])
                        .append("\", \"tokens\": []}");
            }
            sb.append("]}");
        }
        sb.append(",{\"filepath\": \"\", \"filename\": \"missing.jpg\", \"imgid\": 3, \"split\": \"train\", \"sentences\": "
                + "[{\"sentid\": 9, \"raw\": \"not in the test split\", \"tokens\": []}]}]}");
        karpathy = tmp.resolve("dataset_tiny.json");
        Files.writeString(karpathy, sb.toString());
        retrieval = FiberRetrieval.builder(TinyTasks.checkpoint().toString()).optDevice(Device.cpu()).build();
    }

    @AfterAll
    static void tearDown() {
        retrieval.close();
    }

    static Path images() {
        return TestData.file("coarse/images");
    }

    @Test
    void itcRecallEqualsPairwiseSimilarities() throws Exception {
        KarpathyDataset.Gallery g = KarpathyDataset.read(karpathy).gallery("test");
        assertEquals(3, g.images().size());
        assertEquals(6, g.captions().size());
        RetrievalEvaluator.Result r = RetrievalEvaluator.evaluate(retrieval, g, images(), 2, 4, 0, false);
        float[] scores = new float[18];
        for (int i = 0; i < 3; i++) {
            float[] e = retrieval.embedImage(ImageDecoder.read(images().resolve(FILES[i])));
            for (int j = 0; j < 6; j++) {
                float[] t = retrieval.embedText(g.captions().get(j));
                double dot = 0;
                for (int d = 0; d < e.length; d++) {
                    dot += e[d] * t[d];
                }
                scores[i * 6 + j] = (float) dot;
            }
        }
        RetrievalRecall want = RetrievalRecall.compute(scores, 3, 6, g.imageIds(), g.captionImageIds());
        System.out.println("ITC  evaluator: " + r.itc());
        System.out.println("ITC  pairwise:  " + want);
        assertArrayEquals(want.textRetrievalRanks(), r.itc().textRetrievalRanks());
        assertArrayEquals(want.imageRetrievalRanks(), r.itc().imageRetrievalRanks());
        for (int k : new int[] {1, 5, 10}) {
            assertTrue(r.itc().imageRecallAt(k) >= 0 && r.itc().textRecallAt(k) <= 1);
        }
        assertEquals(1.0, r.itc().textRecallAt(5), "3 images: every correct text is within the top 5 of 6");
        assertEquals(1.0, r.itc().imageRecallAt(5));
    }

    @Test
    void itmRerankingWithAllCandidatesEqualsTheFullItmMatrix() throws Exception {
        KarpathyDataset.Gallery g = KarpathyDataset.read(karpathy).gallery("test");
        RetrievalEvaluator.Result r = RetrievalEvaluator.evaluate(retrieval, g, images(), 4, 3, 6, false);
        float[] itm = new float[18];
        for (int i = 0; i < 3; i++) {
            RgbImage img = ImageDecoder.read(images().resolve(FILES[i]));
            List<ItmPair> pairs = new ArrayList<>();
            for (String c : g.captions()) {
                pairs.add(new ItmPair(img, c));
            }
            List<ItmScore> s = retrieval.itm(pairs);
            for (int j = 0; j < 6; j++) {
                itm[i * 6 + j] = s.get(j).matchLogit();
            }
        }
        RetrievalRecall want = RetrievalRecall.compute(itm, 3, 6, g.imageIds(), g.captionImageIds());
        System.out.println("ITM  evaluator (K = all): " + r.itm());
        System.out.println("ITM  full matrix:         " + want);
        assertArrayEquals(want.textRetrievalRanks(), r.itm().textRetrievalRanks());
        assertArrayEquals(want.imageRetrievalRanks(), r.itm().imageRetrievalRanks());
    }

    @Test
    void missingImagesAreNamed() throws Exception {
        KarpathyDataset.Gallery g = KarpathyDataset.read(karpathy).gallery("train");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> RetrievalEvaluator.evaluate(retrieval, g, images(), 2, 4, 0, false));
        assertTrue(e.getFile().endsWith("missing.jpg"), e.getFile());
    }
}
