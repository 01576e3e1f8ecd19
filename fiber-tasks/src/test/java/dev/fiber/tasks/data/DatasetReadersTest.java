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
import dev.fiber.tasks.vqa.AnswerVocabulary;
import dev.fiber.tasks.vqa.VqaTargets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** VQAv2 and NLVR2 readers on small hand-written files in the official formats. */
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
        assertEquals("red", first.multipleChoiceAnswer());
        // the annotators' raw answers, in file order (the tasks package turns them into soft targets)
        assertEquals(List.of("red", "red", "red", "red", "dark red", "Red", "red", "orange", "dark red", "red"), first.answers());

        AnswerVocabulary vocab = AnswerVocabulary.of(List.of("yes", "no", "2", "3", "red", "orange", "4"));
        VqaTargets.Target t1 = VqaTargets.of(split.questions().get(1).answers(), vocab);
        // "2" x5 -> 1.0, "3" x3 -> 0.9, "two" not in the vocabulary, "4" x1 -> 0.3
        assertArrayEquals(new int[] {2, 3, 6}, t1.labels());
        // the official training filter drops questions without any answer in the vocabulary
        List<VqaQuestion> trainable = VqaDataset.withTargets(split.questions(), vocab);
        assertEquals(List.of(42000L, 42001L), trainable.stream().map(VqaQuestion::questionId).toList());
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
        Path a = Files.writeString(tmp.resolve("a.json"), "{\"annotations\": [{\"question_id\": 42000, \"image_id\": 42, \"multiple_choice_answer\": \"x\","
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
}
