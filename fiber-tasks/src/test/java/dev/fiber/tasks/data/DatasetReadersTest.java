package dev.fiber.tasks.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** VQAv2, NLVR2 and Karpathy readers on small hand-written files in the official formats. */
class DatasetReadersTest {

    @TempDir
    Path tmp;

    private static final String QUESTIONS = """
            {"info": {}, "task_type": "Open-Ended", "data_type": "mscoco", "license": {},
             "data_subtype": "val2014",
             "questions": [
               {"image_id": 42, "question": "What color is the bus?", "question_id": 42000},
               {"image_id": 42, "question": "How many people?", "question_id": 42001},
               {"image_id": 7, "question": "Is it raining?", "question_id": 7000}]}
            """;

    private static String answers(String... a) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < a.length; i++) {
            sb.append(i > 0 ? "," : "").append("{\"answer\": \"").append(a[i])
                    .append("\", \"answer_confidence\": \"yes\", \"answer_id\": ").append(i + 1).append('}');
        }
        return sb.append(']').toString();
    }

    private String annotations() {
        return "{\"annotations\": ["
                + "{\"question_type\": \"what color is the\", \"multiple_choice_answer\": \"red\", \"answer_type\": \"other\","
                + " \"image_id\": 42, \"question_id\": 42000, \"answers\": "
                + answers("red", "red", "red", "red", "dark red", "Red", "red", "orange", "dark red", "red") + "},"
                + "{\"question_type\": \"how many\", \"multiple_choice_answer\": \"2\", \"answer_type\": \"number\","
                + " \"image_id\": 42, \"question_id\": 42001, \"answers\": "
                + answers("2", "2", "3", "2", "two", "2", "3", "3", "2", "4") + "},"
                + "{\"question_type\": \"is it\", \"multiple_choice_answer\": \"no\", \"answer_type\": \"yes/no\","
                + " \"image_id\": 7, \"question_id\": 7000, \"answers\": "
                + answers("maybe", "maybe", "maybe", "maybe", "maybe", "maybe", "maybe", "maybe", "maybe", "maybe") + "}"
                + "], \"info\": {}, \"license\": {}, \"data_subtype\": \"val2014\"}";
    }

    @Test
    void vqaQuestionsAnswersAndCocoPaths() throws IOException {
        Path q = Files.writeString(tmp.resolve("q.json"), QUESTIONS);
        Path a = Files.writeString(tmp.resolve("a.json"), annotations());
        VqaV2Split split = VqaV2Reader.read(q, a);
        assertEquals("val2014", split.dataSubtype());
        assertEquals(3, split.size());
        VqaQuestion first = split.questions().get(0);
        assertEquals(42000, first.questionId());
        assertEquals("val2014/COCO_val2014_000000000042.jpg", first.imagePath());
        assertEquals("What color is the bus?", first.question());
        assertEquals("other", first.answerType());
        assertEquals("what color is the", first.questionType());
        assertEquals("red", first.multipleChoiceAnswer());
        // raw strings are counted (no normalisation: "Red" is its own answer), order of first appearance
        assertEquals(List.of(new VqaAnswerCount("red", 6), new VqaAnswerCount("dark red", 2),
                new VqaAnswerCount("Red", 1), new VqaAnswerCount("orange", 1)), first.answers());

        List<String> vocab = List.of("yes", "no", "2", "3", "red", "orange", "4");
        Map<String, Integer> map = VqaDataset.answerToLabel(vocab);
        VqaTargets t0 = VqaSoftScores.targets(first.answers(), map);
        assertArrayEquals(new int[] {4, 5}, t0.labels());
        assertArrayEquals(new float[] {1.0f, 0.3f}, t0.scores());
        VqaTargets t1 = VqaSoftScores.targets(split.questions().get(1).answers(), map);
        // "2" x5 -> 1.0, "3" x3 -> 0.9, "two" not in vocabulary, "4" x1 -> 0.3
        assertArrayEquals(new int[] {2, 3, 6}, t1.labels());
        assertArrayEquals(new float[] {1.0f, 0.9f, 0.3f}, t1.scores());
        float[] dense = t1.dense(vocab.size());
        assertArrayEquals(new float[] {0, 0, 1.0f, 0.9f, 0, 0, 0.3f}, dense);
        // the official training filter drops questions without any answer in the vocabulary
        List<VqaQuestion> trainable = VqaDataset.withTargets(split.questions(), vocab);
        assertEquals(List.of(42000L, 42001L), trainable.stream().map(VqaQuestion::questionId).toList());
    }

    @Test
    void softScoresFollowGetScore() {
        float[] expected = {0f, 0.3f, 0.6f, 0.9f, 1f, 1f, 1f};
        for (int n = 0; n < expected.length; n++) {
            assertEquals(expected[n], VqaSoftScores.score(n), 0f);
        }
        assertThrows(IllegalArgumentException.class, () -> VqaSoftScores.score(-1));
        assertThrows(IllegalArgumentException.class, () -> VqaDataset.answerToLabel(List.of("a", "b", "a")));
    }

    @Test
    void vqaTestSplitsAndNamingRules() throws IOException {
        Path q = Files.writeString(tmp.resolve("t.json"),
                "{\"data_subtype\": \"test-dev2015\", \"questions\": [{\"image_id\": 1, \"question\": \"Why?\", \"question_id\": 10}]}");
        VqaV2Split s = VqaV2Reader.read(q, null);
        VqaQuestion only = s.questions().get(0);
        assertEquals("test2015/COCO_test2015_000000000001.jpg", only.imagePath());
        assertFalse(only.annotated());
        assertEquals("train2014/COCO_train2014_000000123456.jpg", VqaV2Reader.cocoImagePath("train2014", 123456));
        Path p = Files.writeString(tmp.resolve("p.json"), "{\"image_name_pattern\": \"images/shapes_%08d.png\","
                + " \"questions\": [{\"image_id\": 3, \"question\": \"q\", \"question_id\": 1}]}");
        assertEquals("images/shapes_00000003.png", VqaV2Reader.read(p, null).questions().get(0).imagePath());
    }

    @Test
    void vqaMismatchedFilesAreReported() throws IOException {
        Path q = Files.writeString(tmp.resolve("q.json"), QUESTIONS);
        Path a = Files.writeString(tmp.resolve("a.json"), "{\"annotations\": [{\"question_id\": 42000, \"image_id\": 42,"
                + " \"answers\": " + answers("x") + "}]}");
        IOException e = assertThrows(IOException.class, () -> VqaV2Reader.read(q, a));
        assertTrue(e.getMessage().contains("42001") && e.getMessage().contains("no annotation"), e.getMessage());
        Path bad = Files.writeString(tmp.resolve("bad.json"), "{\"questions\": [");
        IOException e2 = assertThrows(IOException.class, () -> VqaV2Reader.read(bad, null));
        assertTrue(e2.getMessage().contains("bad.json"), e2.getMessage());
        Path traversal = Files.writeString(tmp.resolve("tr.json"), "{\"image_name_pattern\": \"../%d.png\","
                + " \"questions\": [{\"image_id\": 3, \"question\": \"q\", \"question_id\": 1}]}");
        assertThrows(IllegalArgumentException.class, () -> VqaV2Reader.read(traversal, null));
        assertThrows(IOException.class, () -> VqaV2Reader.read(tmp.resolve("none.json"), null));
    }

    @Test
    void nlvr2PathsFollowTheOfficialWriter() throws IOException {
        Path f = Files.writeString(tmp.resolve("lines.json"), String.join("\n",
                "{\"identifier\": \"train-10171-0-0\", \"sentence\": \"An image shows one dog.\", \"label\": \"True\","
                        + " \"directory\": 21, \"left_url\": \"http://x\", \"writer\": \"1\"}",
                "",
                "{\"identifier\": \"dev-850-0-1\", \"sentence\": \"There are two birds.\", \"label\": \"False\"}",
                "{\"identifier\": \"test1-3-2-0\", \"sentence\": \"s\", \"label\": true}"));
        List<Nlvr2Example> ex = Nlvr2Reader.read(f);
        assertEquals(3, ex.size());
        assertEquals("train-10171-0", ex.get(0).pairId());
        assertEquals("images/train/21/train-10171-0-img0.png", ex.get(0).leftImage());
        assertEquals("images/train/21/train-10171-0-img1.png", ex.get(0).rightImage());
        assertTrue(ex.get(0).label());
        assertEquals("dev/dev-850-0-img0.png", ex.get(1).leftImage());
        assertFalse(ex.get(1).label());
        assertEquals("test1/test1-3-2-img1.png", ex.get(2).rightImage());
        Path bad = Files.writeString(tmp.resolve("bad.json"), "{\"identifier\": \"dev-1-0-0\", \"sentence\": \"s\", \"label\": \"yes\"}");
        IOException e = assertThrows(IOException.class, () -> Nlvr2Reader.read(bad));
        assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("label"), e.getMessage());
        Path noDir = Files.writeString(tmp.resolve("nodir.json"), "{\"identifier\": \"train-1-0-0\", \"sentence\": \"s\", \"label\": \"True\"}");
        assertThrows(IOException.class, () -> Nlvr2Reader.read(noDir));
    }

    @Test
    void karpathyCocoAndFlickr() throws IOException {
        Path coco = Files.writeString(tmp.resolve("dataset_coco.json"), """
                {"images": [
                  {"filepath": "val2014", "sentids": [1, 2], "filename": "COCO_val2014_000000391895.jpg", "imgid": 0,
                   "split": "test", "sentences": [{"tokens": ["a"], "raw": "A man riding a motorcycle.", "imgid": 0, "sentid": 1},
                                                  {"tokens": ["b"], "raw": "A person on a bike.", "imgid": 0, "sentid": 2}],
                   "cocoid": 391895},
                  {"filepath": "train2014", "filename": "COCO_train2014_000000000009.jpg", "imgid": 1, "split": "restval",
                   "sentences": [{"raw": "Food."}], "cocoid": 9},
                  {"filepath": "train2014", "filename": "COCO_train2014_000000000025.jpg", "imgid": 2, "split": "train",
                   "sentences": [{"raw": "A giraffe."}, {"raw": "A giraffe."}], "cocoid": 25}
                ], "dataset": "coco"}
                """);
        List<KarpathyImage> all = KarpathyReader.read(coco);
        assertEquals(3, all.size());
        assertEquals("val2014/COCO_val2014_000000391895.jpg", all.get(0).imagePath());
        assertEquals(391895, all.get(0).imageId());
        assertEquals(List.of("A man riding a motorcycle.", "A person on a bike."), all.get(0).captions());
        List<KarpathyImage> train = KarpathyReader.read(coco, KarpathyReader.OFFICIAL_TRAIN_SPLITS);
        assertEquals(List.of("train"), train.stream().map(KarpathyImage::split).toList());
        Path f30k = Files.writeString(tmp.resolve("dataset_flickr30k.json"),
                "{\"images\": [{\"filename\": \"1000092795.jpg\", \"imgid\": 0, \"split\": \"train\","
                        + " \"sentences\": [{\"raw\": \"Two young guys.\"}]}], \"dataset\": \"flickr30k\"}");
        KarpathyImage im = KarpathyReader.read(f30k).get(0);
        assertEquals("1000092795.jpg", im.imagePath());
        assertEquals(0, im.imageId());
        assertThrows(IOException.class, () -> KarpathyReader.read(Files.writeString(tmp.resolve("x.json"), "{\"foo\": 1}")));
    }
}
