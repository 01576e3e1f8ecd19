package dev.fiber.tasks.shapes;

import dev.fiber.core.TestData;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fiber.core.text.FiberTokenizer;
import dev.fiber.tasks.data.BatchIterator;
import dev.fiber.tasks.data.DataLoader;
import dev.fiber.tasks.data.ImageSource;
import dev.fiber.tasks.data.ImageTransform;
import dev.fiber.tasks.data.LoaderConfig;
import dev.fiber.tasks.data.VqaBatch;
import dev.fiber.tasks.data.VqaDataset;
import dev.fiber.tasks.data.VqaItem;
import dev.fiber.tasks.data.VqaQuestion;
import dev.fiber.tasks.data.VqaV2Reader;
import dev.fiber.tasks.data.VqaV2Split;
import dev.fiber.tasks.vqa.AnswerVocabulary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exported files are ordinary VQAv2 input: reader, vocabulary and data set consume them. */
class ShapesExportTest {

    @TempDir
    Path tmp;

    @Test
    void exportReadsBackThroughTheVqaPipeline() throws Exception {
        List<ShapesSample> samples = ShapesDataset.generate(42, 12);
        ShapesExport.write(samples, tmp, "train");
        assertTrue(Files.isRegularFile(tmp.resolve("images/shapes_000011.png")));
        VqaV2Split split = VqaV2Reader.read(tmp.resolve(ShapesExport.QUESTIONS_FILE), tmp.resolve(ShapesExport.ANNOTATIONS_FILE));
        assertEquals("train", split.dataSubtype());
        assertEquals(12, split.size());
        AnswerVocabulary vocab = AnswerVocabulary.read(tmp.resolve(ShapesExport.ANSWERS_FILE));
        assertEquals(ShapesDataset.ANSWERS, vocab.answers());
        // identical to the in-memory conversion
        assertEquals(ShapesDataset.toVqaQuestions(samples), split.questions());
        try (ImageSource images = ImageSource.open(tmp)) {
            for (ShapesSample s : samples) {
                VqaQuestion q = split.questions().get(s.index());
                assertArrayEquals(s.image().toByteArray(), images.read(q.imagePath()).toByteArray(), "PNG is lossless");
            }
            VqaDataset ds = new VqaDataset(VqaDataset.withTargets(split.questions(), vocab), images,
                    ImageTransform.albefRandAug(64), FiberTokenizer.roberta(), 40, vocab);
            assertEquals(12, ds.size());
            DataLoader<VqaItem, VqaBatch> loader = new DataLoader<>(ds, ds.collator(), new LoaderConfig(5, true, false, 2, 2, 3));
            int rows = 0;
            try (BatchIterator<VqaBatch> it = loader.epoch(0); NDManager m = NDManager.newBaseManager()) {
                while (it.hasNext()) {
                    VqaBatch b = it.next();
                    assertEquals(new Shape(b.size(), 3, 64, 64), b.inputs().images(m).getShape());
                    float[] t = b.targets(m).toFloatArray();
                    for (int r = 0; r < b.size(); r++) {
                        int label = vocab.indexOf(samples.get((int) b.questionIds()[r]).answer());
                        assertEquals(1.0f, t[r * vocab.size() + label], 0f);
                        float sum = 0;
                        for (int c = 0; c < vocab.size(); c++) {
                            sum += t[r * vocab.size() + c];
                        }
                        assertEquals(1.0f, sum, 0f);
                    }
                    rows += b.size();
                }
            }
            assertEquals(12, rows);
        }
        String summary = ShapesExport.summary(ShapesDataset.planAll(42, 12, ShapesConfig.DEFAULT));
        assertTrue(summary.startsWith("12 questions"), summary);
    }

    @Test
    void committedDemoMatchesTheGenerator() throws Exception {
        Path demo = TestData.model("demo");
        VqaV2Split split = VqaV2Reader.read(demo.resolve(ShapesExport.QUESTIONS_FILE), demo.resolve(ShapesExport.ANNOTATIONS_FILE));
        // ./fiber shapes-generate --seed 20 --count 6 --out models/demo --split demo --data proof
        List<ShapesSample> regenerated = ShapesDataset.generate(20, 6, dev.fiber.tasks.finetune.ShapesTraining.PROOF_SHAPES);
        assertEquals(ShapesDataset.toVqaQuestions(regenerated), split.questions());
        assertEquals(ShapesDataset.ANSWERS, AnswerVocabulary.read(demo.resolve(ShapesExport.ANSWERS_FILE)).answers());
        try (ImageSource images = ImageSource.open(demo)) {
            for (ShapesSample s : regenerated) {
                byte[] committed = images.read(ShapesDataset.imageName(s.index())).toByteArray();
                byte[] fresh = s.image().toByteArray();
                assertEquals(fresh.length, committed.length);
                long diff = 0;
                for (int i = 0; i < fresh.length; i++) {
                    diff += Math.abs((fresh[i] & 0xFF) - (committed[i] & 0xFF));
                }
                double mean = (double) diff / fresh.length;
                // identical on the JDK that generated them; another JDK may antialias edges differently
                assertTrue(mean < 1.0, "demo image " + s.index() + " differs from the generator: mean |diff| " + mean);
            }
        }
    }
}
