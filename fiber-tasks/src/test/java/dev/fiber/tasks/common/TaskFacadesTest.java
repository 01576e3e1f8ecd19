package dev.fiber.tasks.common;

import dev.fiber.core.TestData;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fiber.core.image.ImageDecoder;
import dev.fiber.core.image.RgbImage;
import dev.fiber.core.io.NpyArray;
import dev.fiber.tasks.caption.Caption;
import dev.fiber.tasks.caption.FiberCaptioner;
import dev.fiber.tasks.nlvr2.FiberNlvr2;
import dev.fiber.tasks.nlvr2.Nlvr2Prediction;
import dev.fiber.tasks.retrieval.FiberRetrieval;
import dev.fiber.tasks.retrieval.ItmQuery;
import dev.fiber.tasks.retrieval.ItmScore;
import dev.fiber.tasks.vqa.FiberVqa;
import dev.fiber.tasks.vqa.VqaAnswer;
import dev.fiber.tasks.vqa.VqaPrediction;
import dev.fiber.tasks.vqa.VqaQuery;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one-call task APIs (facades over DJL Criteria / ZooModel / Predictor), from image files and
 * raw texts, reproduce the reference outputs of the tiny model: preprocessing ({@code albef_transform},
 * tokenizer) included. PNG inputs decode exactly; {@code c.jpg} goes through the JDK's JPEG decoder
 * (a few levels off libjpeg-turbo), so NLVR2 with it is checked with a looser bound.
 */
class TaskFacadesTest {

    static Map<String, NpyArray> ref;
    static RgbImage a;
    static RgbImage b;
    static RgbImage c;

    @BeforeAll
    static void load() throws Exception {
        ref = TinyTasks.cases();
        a = ImageDecoder.read(TinyTasks.image("a.png"));
        b = ImageDecoder.read(TinyTasks.image("b.png"));
        c = ImageDecoder.read(TinyTasks.image("c.jpg"));
    }

    static float sigmoid(float x) {
        return (float) (1 / (1 + Math.exp(-x)));
    }

    @Test
    void vqaAnswersFromFiles(@TempDir Path tmp) throws Exception {
        Path vocab = TinyTasks.vocabulary(tmp);
        float[] logits = ref.get("vqa_logits").toFloatArray();
        try (FiberVqa vqa = FiberVqa.builder(TinyTasks.checkpoint().toString()).optVocabulary(vocab).optTopK(3).optDevice(Device.cpu()).build()) {
            List<String> q = TinyTasks.texts();
            VqaPrediction p0 = vqa.answer(TinyTasks.image("a.png"), q.get(0));
            VqaPrediction p1 = vqa.answer(b, q.get(1));
            List<VqaPrediction> batch = vqa.answerAll(List.of(new VqaQuery(a, q.get(0)), new VqaQuery(b, q.get(1))));
            List<VqaPrediction> shared = vqa.answerAll(a, q);
            for (int i = 0; i < 2; i++) {
                VqaPrediction p = i == 0 ? p0 : p1;
                float[] row = Arrays.copyOfRange(logits, i * 3129, (i + 1) * 3129);
                Integer[] order = new Integer[3129];
                for (int j = 0; j < order.length; j++) {
                    order[j] = j;
                }
                Arrays.sort(order, (x, y) -> Float.compare(row[y], row[x]));
                assertEquals(3, p.answers().size());
                for (int k = 0; k < 3; k++) {
                    VqaAnswer ans = p.answers().get(k);
                    assertEquals((int) order[k], ans.classIndex(), "question " + i + " rank " + k);
                    assertEquals("answer " + order[k], ans.answer());
                    assertEquals(sigmoid(row[order[k]]), ans.probability(), 1e-4);
                    assertEquals(ans.classIndex(), batch.get(i).answers().get(k).classIndex(), "batched = single");
                    assertEquals(ans.probability(), batch.get(i).answers().get(k).probability(), 1e-5);
                }
            }
            assertEquals(p0.answers().get(0).classIndex(), shared.get(0).best().classIndex());
            assertEquals(p0.best().probability(), shared.get(0).best().probability(), 1e-5);
            System.out.println("VQA: " + p0.answers() + " | " + p1.answers());
        }
    }

    @Test
    void retrievalEmbeddingsAndItmFromFiles() throws Exception {
        try (FiberRetrieval r = FiberRetrieval.builder(TinyTasks.checkpoint().toString()).optDevice(Device.cpu()).build()) {
            List<String> t = TinyTasks.texts();
            List<float[]> img = r.embedImages(List.of(a, b));
            List<float[]> txt = r.embedTexts(t);
            for (int i = 0; i < 2; i++) {
                TinyTasks.check("embedImage " + i, TinyTasks.row(ref.get("itc_image_cls"), i), img.get(i));
                TinyTasks.check("embedText " + i, TinyTasks.row(ref.get("itc_text_cls"), i), txt.get(i));
                assertArrayEquals(txt.get(i), r.embedText(t.get(i)), 1e-6f);
            }
            float[] sim = new float[4];
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 2; j++) {
                    sim[i * 2 + j] = r.itcLogit(img.get(i), txt.get(j));
                }
            }
            TinyTasks.check("itc_sim (facade)", ref.get("itc_sim").toFloatArray(), sim);
            float[] itm = ref.get("itm_logits").toFloatArray();
            ItmScore s0 = r.itm(a, t.get(0));
            TinyTasks.check("itm pair 0", new float[] {itm[0], itm[1]}, new float[] {s0.noMatchLogit(), s0.matchLogit()});
            List<ItmScore> cached = r.itm(ItmQuery.imageVsTexts(b, t), true);
            List<ItmScore> plain = r.itm(ItmQuery.imageVsTexts(b, t), false);
            TinyTasks.check("itm image b vs texts, row 1", new float[] {itm[2], itm[3]},
                    new float[] {cached.get(1).noMatchLogit(), cached.get(1).matchLogit()});
            assertEquals(plain, cached);
            double p = Math.exp(itm[1]) / (Math.exp(itm[0]) + Math.exp(itm[1]));
            assertEquals(p, s0.matchProbability(), 1e-5);
        }
    }

    @Test
    void nlvr2FromFiles() throws Exception {
        try (FiberNlvr2 n = FiberNlvr2.load(TinyTasks.checkpoint().toString(), 0, Device.cpu())) {
            float[] l = ref.get("nlvr2_logits").toFloatArray();
            Nlvr2Prediction p1 = n.judge(b, a, TinyTasks.texts().get(1));
            TinyTasks.check("nlvr2 example 1 (PNG images)", new float[] {l[2], l[3]}, new float[] {p1.logitFalse(), p1.logitTrue()});
            Nlvr2Prediction p0 = n.judge(TinyTasks.image("a.png"), TinyTasks.image("c.jpg"), TinyTasks.texts().get(0));
            double d = Math.max(Math.abs(l[0] - p0.logitFalse()), Math.abs(l[1] - p0.logitTrue()));
            System.out.printf("nlvr2 example 0 (JPEG image, JDK decoder): max|diff| %.3e%n", d);
            assertTrue(d < 5e-3, "JPEG example off by " + d);
            assertEquals(l[3] > l[2], p1.value());
            List<Nlvr2Prediction> both = n.judgeAll(List.of(new dev.fiber.tasks.nlvr2.Nlvr2Query(b, a, TinyTasks.texts().get(1))));
            assertEquals(p1.logitTrue(), both.get(0).logitTrue(), 1e-5);
        }
    }

    @Test
    void captionsFromFilesMatchTheOfficialBeam() throws Exception {
        JsonObject beam = JsonParser.parseString(Files.readString(TestData.file("coarse/tiny_caption_beam.json"))).getAsJsonObject();
        try (FiberCaptioner cap = FiberCaptioner.builder(TinyTasks.checkpoint().toString()).optDevice(Device.cpu()).build()) {
            List<Caption> got = cap.captionAll(List.of(a, b));
            JsonArray res = beam.getAsJsonArray("results");
            for (int i = 0; i < 2; i++) {
                String want = res.get(i).getAsJsonObject().get("caption").getAsString();
                assertEquals(want, got.get(i).text(), "caption " + i);
            }
            System.out.println("captions: " + got);
        }
        try (FiberCaptioner greedy = FiberCaptioner.builder(TinyTasks.checkpoint().toString()).optGreedy(true).optMaxLength(12)
                .optDevice(Device.cpu()).build();
             FiberCaptioner beam1 = FiberCaptioner.builder(TinyTasks.checkpoint().toString()).optBeamSize(1).optMaxLength(12)
                .optDevice(Device.cpu()).build()) {
            Caption g = greedy.caption(a);
            Caption b1 = beam1.caption(a);
            assertArrayEquals(b1.tokens(), g.tokens(), "greedy = beam 1");
            assertTrue(g.tokens().length <= 11);
        }
    }

    @Test
    void criteriaFindsTheZooThroughServiceLoader(@TempDir Path tmp) throws Exception {
        Criteria<VqaQuery, VqaPrediction> criteria = Criteria.builder()
                .setTypes(VqaQuery.class, VqaPrediction.class)
                .optGroupId(FiberModelZoo.GROUP_ID)
                .optArtifactId("vqa")
                .optDevice(Device.cpu())
                .optArgument("checkpoint", TinyTasks.checkpoint().toString())
                .optArgument("vocabulary", TinyTasks.vocabulary(tmp).toString())
                .optArgument("topK", 2)
                .build();
        try (ZooModel<VqaQuery, VqaPrediction> model = criteria.loadModel();
             Predictor<VqaQuery, VqaPrediction> p = model.newPredictor()) {
            VqaPrediction pr = p.predict(VqaQuery.of(TinyTasks.image("a.png"), TinyTasks.texts().get(0)));
            assertEquals(2, pr.answers().size());
        }
        // DJL's own Image type through the adapted translator
        Criteria<Image, float[]> emb = Criteria.builder().setTypes(Image.class, float[].class)
                .optModelZoo(new FiberModelZoo()).optArtifactId("retrieval").optDevice(Device.cpu())
                .optArgument("checkpoint", TinyTasks.checkpoint().toString()).build();
        try (ZooModel<Image, float[]> model = emb.loadModel(); Predictor<Image, float[]> p = model.newPredictor()) {
            float[] e = p.predict(ImageFactory.getInstance().fromFile(TinyTasks.image("a.png")));
            TinyTasks.check("embedding of a DJL Image", TinyTasks.row(ref.get("itc_image_cls"), 0), e);
        }
    }

    @Test
    void otherResolutionResizesThePositionTables() throws Exception {
        try (FiberCaptioner cap = FiberCaptioner.builder(TinyTasks.checkpoint().toString()).optImageSize(128).optMaxLength(6)
                .optDevice(Device.cpu()).build();
             FiberRetrieval r = FiberRetrieval.builder(TinyTasks.checkpoint().toString()).optImageSize(128).optDevice(Device.cpu()).build()) {
            assertEquals(128, cap.fiberModel().config().imageSize());
            assertEquals(4, cap.fiberModel().config().windowSize());
            assertTrue(cap.caption(a).tokens().length <= 5);
            float[] e = r.embedImage(a);
            double norm = 0;
            for (float x : e) {
                norm += x * x;
            }
            assertEquals(1.0, norm, 1e-4);
            ai.djl.ndarray.types.Shape[] s = r.zooModel().getBlock().getOutputShapes(new ai.djl.ndarray.types.Shape[] {
                new ai.djl.ndarray.types.Shape(3, 3, 128, 128)});
            assertEquals(new ai.djl.ndarray.types.Shape(3, 48), s[0]);
        }
    }
}
