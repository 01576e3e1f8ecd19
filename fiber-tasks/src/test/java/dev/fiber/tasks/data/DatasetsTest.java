package dev.fiber.tasks.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fiber.core.image.AlbefTransform;
import dev.fiber.core.image.RgbImage;
import dev.fiber.core.text.Encoding;
import dev.fiber.core.text.FiberTokenizer;
import dev.fiber.tasks.retrieval.KarpathyDataset;
import dev.fiber.tasks.vqa.AnswerVocabulary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The VQA, NLVR2 and caption datasets end to end: files -> loader -> NDArrays. */
class DatasetsTest {

    @TempDir
    Path tmp;

    private static final FiberTokenizer TOK = FiberTokenizer.roberta();

    @Test
    void vqaBatchesCarryImagesTokensAndSoftTargets() throws Exception {
        Map<String, RgbImage> imgs = new HashMap<>();
        List<VqaQuestion> qs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String path = "img/" + i + ".png";
            imgs.put(path, TestImages.solid(20 + i, 16, 10 * i, 100, 200));
            String answer = i % 2 == 0 ? "yes" : "no";
            List<String> answers = new ArrayList<>(java.util.Collections.nCopies(8, answer));
            answers.add("maybe");
            answers.add("maybe");
            qs.add(new VqaQuestion(100 + i, i, path, "is question " + i + " odd?", answer, answers));
        }
        AnswerVocabulary vocab = AnswerVocabulary.of(List.of("no", "yes", "maybe"));
        VqaDataset ds = new VqaDataset(qs, new MemoryImageSource(imgs), ImageTransform.albefRandAug(32), TOK, 40, vocab);
        assertEquals(3, ds.numClasses());
        DataLoader<VqaItem, VqaBatch> loader = new DataLoader<>(ds, ds.collator(), new LoaderConfig(4, true, false, 2, 4, 77));
        int seen = 0;
        try (BatchIterator<VqaBatch> it = loader.epoch(0); NDManager m = NDManager.newBaseManager()) {
            while (it.hasNext()) {
                VqaBatch b = it.next();
                try (NDManager bm = m.newSubManager()) {
                    NDArray images = b.inputs().images(bm);
                    NDArray ids = b.inputs().inputIds(bm);
                    NDArray mask = b.inputs().attentionMask(bm);
                    NDArray targets = b.targets(bm);
                    assertEquals(new Shape(b.size(), 3, 32, 32), images.getShape());
                    assertEquals(DataType.FLOAT32, images.getDataType());
                    assertEquals(new Shape(b.size(), 40), ids.getShape());
                    assertEquals(DataType.INT64, ids.getDataType());
                    assertEquals(DataType.INT64, mask.getDataType());
                    assertEquals(new Shape(b.size(), 3), targets.getShape());
                    float[] t = targets.toFloatArray();
                    for (int r = 0; r < b.size(); r++) {
                        long qid = b.questionIds()[r];
                        int label = (qid - 100) % 2 == 0 ? 1 : 0;
                        assertEquals(1.0f, t[r * 3 + label], 0f);
                        assertEquals(0.6f, t[r * 3 + 2], 0f);
                        assertEquals(0.0f, t[r * 3 + (1 - label)], 0f);
                        String q = b.inputs().texts().get(r);
                        Encoding e = TOK.encode(q, 40);
                        long[] row = java.util.Arrays.copyOfRange(b.inputs().inputIds(), r * 40, r * 40 + 40);
                        assertArrayEquals(e.idsAsLong(), row);
                        assertEquals(0L, row[0]); // <s>
                    }
                }
                seen += b.size();
            }
        }
        assertEquals(10, seen);
    }

    @Test
    void evaluationTransformGivesTheAlbefTensor() throws Exception {
        RgbImage img = TestImages.solid(30, 20, 40, 80, 120);
        List<VqaQuestion> qs = List.of(new VqaQuestion(1, 1, "a.png", "what?", "", List.of()));
        VqaDataset ds = new VqaDataset(qs, new MemoryImageSource(Map.of("a.png", img)), ImageTransform.albef(24), TOK, 40, null);
        VqaItem item = ds.load(0, SampleSeeds.forSample(0, 0, 0));
        assertArrayEquals(new AlbefTransform(24).apply(img), item.input().image(), 0f);
        assertEquals(null, item.targets());
        VqaBatch b = ds.collator().collate(List.of(item));
        try (NDManager m = NDManager.newBaseManager()) {
            assertThrows(IllegalStateException.class, () -> b.targets(m));
        }
    }

    @Test
    void nlvr2FromAFolder() throws Exception {
        TestImages.writePng(tmp.resolve("dev/dev-1-0-img0.png"), TestImages.solid(20, 10, 255, 0, 0));
        TestImages.writePng(tmp.resolve("dev/dev-1-0-img1.png"), TestImages.solid(20, 10, 0, 0, 255));
        Path lines = Files.writeString(tmp.resolve("dev.json"),
                "{\"identifier\": \"dev-1-0-0\", \"sentence\": \"The left image is red.\", \"label\": \"True\"}\n"
                        + "{\"identifier\": \"dev-1-0-1\", \"sentence\": \"Both images are blue.\", \"label\": \"False\"}\n");
        try (ImageSource src = ImageSource.open(tmp)) {
            Nlvr2Dataset ds = new Nlvr2Dataset(Nlvr2Reader.read(lines), src, ImageTransform.albef(16), TOK, 50);
            DataLoader<Nlvr2Item, Nlvr2Batch> loader = new DataLoader<>(ds, ds.collator(), LoaderConfig.evaluation(2));
            try (BatchIterator<Nlvr2Batch> it = loader.epoch(0); NDManager m = NDManager.newBaseManager()) {
                Nlvr2Batch b = it.next();
                assertEquals(new Shape(2, 3, 16, 16), b.left().images(m).getShape());
                assertEquals(new Shape(2, 3, 16, 16), b.rightImages(m).getShape());
                assertEquals(new Shape(2, 50), b.left().inputIds(m).getShape());
                assertArrayEquals(new long[] {1, 0}, b.labels(m).toLongArray());
                assertEquals(List.of("dev-1-0-0", "dev-1-0-1"), b.identifiers());
                // left image red: channel 0 at its normalised maximum; right image blue
                float redLeft = b.left().images()[0];
                float redRight = b.rightImages()[0];
                assertEquals((1 - 0.485f) / 0.229f, redLeft, 1e-6f);
                assertEquals((0 - 0.485f) / 0.229f, redRight, 1e-6f);
            }
        }
    }

    @Test
    void missingImageIsReportedWithTheSampleIdentity() throws Exception {
        Path lines = Files.writeString(tmp.resolve("dev.json"),
                "{\"identifier\": \"dev-9-0-0\", \"sentence\": \"s\", \"label\": \"True\"}\n");
        try (ImageSource src = ImageSource.open(tmp)) {
            Nlvr2Dataset ds = new Nlvr2Dataset(Nlvr2Reader.read(lines), src, ImageTransform.albef(16), TOK, 40);
            DataLoader<Nlvr2Item, Nlvr2Batch> loader = new DataLoader<>(ds, ds.collator(), LoaderConfig.evaluation(1));
            try (BatchIterator<Nlvr2Batch> it = loader.epoch(0)) {
                SampleLoadException e = assertThrows(SampleLoadException.class, it::next);
                assertTrue(e.getMessage().contains("dev-9-0-0") && e.getMessage().contains("dev/dev-9-0-img0.png"), e.getMessage());
                assertTrue(e.getCause() instanceof IOException);
            }
        }
    }

    private static KarpathyDataset.Sentence sentence(String raw) {
        return new KarpathyDataset.Sentence(0, raw, List.of());
    }

    @Test
    void captionsFromAZipDeduplicated() throws Exception {
        Path zip = tmp.resolve("coco.zip");
        TestImages.writeZip(zip, "val2014/COCO_val2014_000000000001.jpg.png", TestImages.solid(12, 12, 1, 2, 3),
                "val2014/b.png", TestImages.solid(12, 12, 200, 2, 3));
        List<KarpathyDataset.Image> meta = List.of(
                new KarpathyDataset.Image(0, "val2014", "COCO_val2014_000000000001.jpg.png", "test", 1,
                        List.of(sentence("a cat."), sentence("a cat."), sentence("a dog."))),
                new KarpathyDataset.Image(1, "val2014", "b.png", "test", 2, List.of(sentence("red."))));
        try (ImageSource src = ImageSource.open(zip)) {
            CaptionDataset ds = new CaptionDataset(meta, src, ImageTransform.forKey("albef", 8), TOK, 40);
            assertEquals(3, ds.size());
            assertEquals("a dog.", ds.captionOf(1));
            assertEquals(1, ds.imageIndexOf(2));
            DataLoader<ImageTextItem, ImageTextBatch> loader = new DataLoader<>(ds, ds.collator(), LoaderConfig.evaluation(3));
            try (BatchIterator<ImageTextBatch> it = loader.epoch(0)) {
                ImageTextBatch b = it.next();
                assertEquals(List.of("a cat.", "a dog.", "red."), b.texts());
                assertArrayEquals(new int[] {0, 1, 2}, b.indices());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> ImageTransform.forKey("clip", 8));
    }
}
