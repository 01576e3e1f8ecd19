package dev.fiber.tasks.vqa;

import dev.fiber.core.TestData;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VqaVocabularyTest {

    private static final Path TRAIN = TestData.file("vqa/train_annotations.json");
    private static final Path VAL = TestData.file("vqa/val_annotations.json");

    @TempDir
    Path tmp;

    @Test
    void rebuildsTheOfficialListExactly() throws Exception {
        AnswerVocabulary vocab = VqaVocabularyBuilder.fromOfficialFiles(TRAIN, VAL);
        AnswerVocabulary expected = AnswerVocabulary.read(TestData.file("vqa/expected_vocab.txt"));
        assertEquals(expected.answers(), vocab.answers());
        assertEquals(15, vocab.size());
        assertEquals(5, vocab.indexOf(""), "the empty answer (from 'a', 'the', 'an') is a class");
        assertFalse(vocab.contains("blue"), "8 occurrences stay below the threshold");
        assertTrue(vocab.contains("cargo"), "val-only answers count");
        assertEquals(14, vocab.indexOf("cargo"));
    }

    @Test
    void countsMatchOfficialCounter() throws Exception {
        VqaVocabularyBuilder b = new VqaVocabularyBuilder();
        assertEquals(142, b.addFile(TRAIN));
        assertEquals(24, b.addFile(VAL));
        assertEquals(166, b.annotationCount());
        JsonObject counts = expectedTargets().getAsJsonObject("counts");
        assertEquals(counts.size(), b.distinctAnswerCount());
        // threshold 1 keeps every normalised answer, in first-appearance order = the Counter's key order
        assertEquals(new ArrayList<>(counts.keySet()), b.build(1).answers());
        assertThrows(IllegalStateException.class, () -> b.build(1000));
    }

    @Test
    void softTargetsMatchOfficialLabelsAndScores() throws Exception {
        AnswerVocabulary vocab = VqaVocabularyBuilder.fromOfficialFiles(TRAIN, VAL);
        Map<Long, VqaAnnotation> byQid = new HashMap<>();
        VqaAnnotationReader.forEach(TRAIN, a -> byQid.put(a.questionId(), a));
        VqaAnnotationReader.forEach(VAL, a -> byQid.put(a.questionId(), a));
        int checked = 0;
        for (JsonElement e : expectedTargets().getAsJsonArray("targets")) {
            JsonObject t = e.getAsJsonObject();
            VqaAnnotation a = byQid.get(t.get("question_id").getAsLong());
            VqaTargets.Target target = VqaTargets.of(a.answers(), vocab);
            int[] labels = new int[t.getAsJsonArray("labels").size()];
            double[] scores = new double[labels.length];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = t.getAsJsonArray("labels").get(i).getAsInt();
                scores[i] = t.getAsJsonArray("scores").get(i).getAsDouble();
            }
            assertArrayEquals(labels, target.labels(), "labels of question " + a.questionId());
            assertArrayEquals(scores, target.scores(), 0.0, "scores of question " + a.questionId());
            checked++;
        }
        assertEquals(24, checked);
        // raw answers are not normalised: "two", "Two" earn nothing although "2" is a class
        assertTrue(VqaTargets.of(List.of("two", "Two", "blue"), vocab).isEmpty());
    }

    @Test
    void officialGetScore() throws Exception {
        JsonObject gs = expectedTargets().getAsJsonObject("get_score");
        for (String n : gs.keySet()) {
            assertEquals(gs.get(n).getAsDouble(), VqaTargets.score(Integer.parseInt(n)), 0.0, "get_score(" + n + ")");
        }
        assertThrows(IllegalArgumentException.class, () -> VqaTargets.score(-1));
        // and against the training reference's record of the official function
        JsonObject ref = JsonParser.parseString(Files.readString(TestData.file("train/metrics.json")))
                .getAsJsonObject().getAsJsonObject("vqa_get_score").getAsJsonObject("values");
        for (String n : ref.keySet()) {
            assertEquals(ref.get(n).getAsDouble(), VqaTargets.score(Integer.parseInt(n)), 0.0, "get_score(" + n + ")");
        }
    }

    @Test
    void vocabularyFileRoundTripKeepsTheEmptyAnswer() throws Exception {
        AnswerVocabulary v = AnswerVocabulary.of(List.of("net", "", "yes"));
        Path f = tmp.resolve("sub/answers.txt");
        v.write(f);
        assertEquals("net\n\nyes\n", Files.readString(f));
        AnswerVocabulary back = AnswerVocabulary.read(f);
        assertEquals(v.answers(), back.answers());
        assertEquals(1, back.indexOf(""));
        assertEquals(-1, back.indexOf("no"));
        assertEquals("yes", back.answer(2));
        assertThrows(IndexOutOfBoundsException.class, () -> back.answer(3));
        // last answer empty: "x\n\n"
        AnswerVocabulary trailingEmpty = AnswerVocabulary.of(List.of("x", ""));
        trailingEmpty.write(f);
        assertEquals(List.of("x", ""), AnswerVocabulary.read(f).answers());
        // a file without the final newline is accepted too
        Files.writeString(f, "a\nb");
        assertEquals(List.of("a", "b"), AnswerVocabulary.read(f).answers());
    }

    @Test
    void badVocabulariesAreRejectedClearly() throws Exception {
        Path f = tmp.resolve("v.txt");
        Files.writeString(f, "yes\nno\nyes\n");
        IOException dup = assertThrows(IOException.class, () -> AnswerVocabulary.read(f));
        assertTrue(dup.getMessage().contains("appears twice, as classes 0 and 2"), dup.getMessage());
        Files.writeString(f, "yes\r\nno\r\n");
        assertTrue(assertThrows(IOException.class, () -> AnswerVocabulary.read(f)).getMessage().contains("CRLF"));
        Files.writeString(f, "");
        assertTrue(assertThrows(IOException.class, () -> AnswerVocabulary.read(f)).getMessage().contains("empty"));
        Files.write(f, new byte[] {'a', '\n', (byte) 0xff, '\n'});
        assertTrue(assertThrows(IOException.class, () -> AnswerVocabulary.read(f)).getMessage().contains("UTF-8"));
        assertThrows(NoSuchFileException.class, () -> AnswerVocabulary.read(tmp.resolve("missing.txt")));
        assertThrows(IllegalArgumentException.class, () -> AnswerVocabulary.of(List.of("a\nb")));
        assertThrows(IllegalArgumentException.class, () -> AnswerVocabulary.of(List.of()));
    }

    @Test
    void officialSpotChecks() {
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < AnswerVocabulary.OFFICIAL_VQAV2_SIZE; i++) {
            answers.add("answer" + i);
        }
        answers.set(0, "net");
        answers.set(1, "pitcher");
        answers.set(2, "orange");
        answers.set(3, "yes");
        answers.set(124, "car");
        answers.set(125, "");
        answers.set(126, "cargo");
        assertTrue(AnswerVocabulary.of(answers).looksLikeOfficialVqav2());
        answers.set(125, "cat");
        assertFalse(AnswerVocabulary.of(answers).looksLikeOfficialVqav2());
        assertFalse(AnswerVocabulary.of(answers.subList(0, 3128)).looksLikeOfficialVqav2());
    }

    @Test
    void annotationReaderErrors() throws Exception {
        Path f = tmp.resolve("bad.json");
        Files.writeString(f, "{\"questions\": []}", StandardCharsets.UTF_8);
        assertTrue(assertThrows(IOException.class, () -> VqaAnnotationReader.readAll(f)).getMessage()
                .contains("no \"annotations\" array"));
        Files.writeString(f, "{\"annotations\": [{\"question_id\": 7, \"answers\": []}]}");
        assertTrue(assertThrows(IOException.class, () -> VqaAnnotationReader.readAll(f)).getMessage()
                .contains("question_id 7"));
        Files.writeString(f, "{\"annotations\": [{\"multiple_choice_answer\": \"x\"");
        assertThrows(IOException.class, () -> VqaAnnotationReader.readAll(f));
        Files.writeString(f, "[1, 2]");
        assertThrows(IOException.class, () -> VqaAnnotationReader.readAll(f));
        assertThrows(NoSuchFileException.class, () -> VqaAnnotationReader.readAll(tmp.resolve("none.json")));
    }

    private static JsonObject expectedTargets() throws IOException {
        return JsonParser.parseString(Files.readString(TestData.file("vqa/expected_targets.json")))
                .getAsJsonObject();
    }
}
