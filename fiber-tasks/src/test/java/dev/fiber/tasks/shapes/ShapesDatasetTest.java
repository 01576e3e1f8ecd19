package dev.fiber.tasks.shapes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fiber.core.image.RgbImage;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Determinism, answer balance, answer correctness and rendering of the shapes VQA data set. */
class ShapesDatasetTest {

    @Test
    void sameSeedSameData() {
        List<ShapesSample> a = ShapesDataset.generate(11, 16);
        List<ShapesSample> b = ShapesDataset.generate(11, 16);
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).question(), b.get(i).question());
            assertEquals(a.get(i).answer(), b.get(i).answer());
            assertArrayEquals(a.get(i).image().toByteArray(), b.get(i).image().toByteArray(), "image " + i);
        }
        // random access: example 9 alone is the same as in the list
        ShapesSample nine = ShapesDataset.sample(11, 9, ShapesConfig.DEFAULT);
        assertEquals(a.get(9).question(), nine.question());
        assertArrayEquals(a.get(9).image().toByteArray(), nine.image().toByteArray());
        // another seed gives other data
        List<ShapesSample> c = ShapesDataset.generate(12, 16);
        int same = 0;
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).question().equals(c.get(i).question()) && a.get(i).answer().equals(c.get(i).answer())) {
                same++;
            }
        }
        assertTrue(same < 4, same + " identical questions across seeds");
        assertFalse(java.util.Arrays.equals(a.get(0).image().toByteArray(), c.get(0).image().toByteArray()));
    }

    @Test
    void majorityAnswerBaselineIsBelow25Percent() {
        int n = 5000;
        List<ShapesQuestion> qs = ShapesDataset.planAll(2024, n, ShapesConfig.DEFAULT);
        Map<String, Integer> answers = new HashMap<>();
        Map<QuestionType, Integer> types = new EnumMap<>(QuestionType.class);
        Map<QuestionType, Map<String, Integer>> perType = new EnumMap<>(QuestionType.class);
        Set<String> phrasings = new HashSet<>();
        for (ShapesQuestion q : qs) {
            assertTrue(ShapesDataset.ANSWERS.contains(q.answer()), q.answer());
            answers.merge(q.answer(), 1, Integer::sum);
            types.merge(q.type(), 1, Integer::sum);
            perType.computeIfAbsent(q.type(), t -> new HashMap<>()).merge(q.answer(), 1, Integer::sum);
            phrasings.add(q.question().replaceAll("(?i)\\b(red|green|blue|yellow|purple|orange|circles?|squares?|triangles?|diamonds?|stars?|an?)\\b", "_"));
        }
        int majority = answers.values().stream().max(Integer::compare).orElseThrow();
        double baseline = (double) majority / n;
        System.out.printf(Locale.ROOT, "shapes VQA over %d questions: majority-answer baseline %.2f%%; types %s%n",
                n, 100 * baseline, types);
        for (QuestionType t : QuestionType.values()) {
            Map<String, Integer> m = perType.get(t);
            int top = m.values().stream().max(Integer::compare).orElseThrow();
            System.out.printf(Locale.ROOT, "  %-6s %4d questions, %d answers, per-type majority %.1f%%: %s%n",
                    t, types.get(t), m.size(), 100.0 * top / types.get(t), m);
        }
        assertTrue(baseline < 0.25, "majority baseline " + baseline);
        assertTrue(baseline < 0.15, "answer-first generation should keep it near 12.5%: " + baseline);
        for (QuestionType t : QuestionType.values()) {
            assertEquals(0.25, types.get(t) / (double) n, 0.03, t.toString());
        }
        assertEquals(6, perType.get(QuestionType.COLOR).size());
        assertEquals(5, perType.get(QuestionType.SHAPE).size());
        assertEquals(5, perType.get(QuestionType.COUNT).size());
        assertEquals(2, perType.get(QuestionType.EXISTS).size());
        assertEquals(12, phrasings.size(), "three phrasings per question type: " + phrasings);
    }

    @Test
    void everyAnswerIsTrueOfItsScene() {
        for (ShapesQuestion q : ShapesDataset.planAll(5, 3000, ShapesConfig.DEFAULT)) {
            assertTrueOfScene(q);
        }
    }

    @Test
    void followUpQuestionsAreTrueOfTheSharedSceneAndBalanced() {
        ShapesConfig proof = new ShapesConfig(64, 2, 0, 0.22, 0.3, 3, 4);
        Map<QuestionType, Integer> types = new EnumMap<>(QuestionType.class);
        Map<String, Integer> answers = new HashMap<>();
        int n = 0;
        for (int i = 0; i < 600; i++) {
            ShapesQuestion first = ShapesDataset.planQuestion(9, i, 0, proof);
            assertEquals(ShapesDataset.plan(9, i, proof).question(), first.question());
            for (int q = 1; q < 4; q++) {
                ShapesQuestion f = ShapesDataset.planQuestion(9, i, q, proof);
                assertEquals(first.scene().shapes().toString(), f.scene().shapes().toString(), "question " + q + " of example " + i);
                assertEquals(first.scene().noiseSeed(), f.scene().noiseSeed());
                assertTrueOfScene(f);
                types.merge(f.type(), 1, Integer::sum);
                answers.merge(f.answer(), 1, Integer::sum);
                n++;
            }
            assertEquals(ShapesDataset.planQuestion(9, i, 2, proof).question() + ShapesDataset.planQuestion(9, i, 2, proof).answer(),
                    ShapesDataset.planQuestion(9, i, 2, proof).question() + ShapesDataset.planQuestion(9, i, 2, proof).answer(), "deterministic");
        }
        for (QuestionType t : QuestionType.values()) {
            assertTrue(types.getOrDefault(t, 0) > n / 8, t + " " + types);
        }
        int majority = answers.values().stream().max(Integer::compare).orElseThrow();
        assertTrue(majority < 0.25 * n, "follow-up majority answer " + majority + " of " + n + ": " + answers);
        // only the configured vocabulary appears
        for (String a : answers.keySet()) {
            assertTrue(!a.equals("purple") && !a.equals("orange") && !a.equals("diamond") && !a.equals("star") && !a.equals("3"), a);
        }
        assertThrows(IllegalArgumentException.class, () -> ShapesDataset.planQuestion(9, 0, -1, proof));
    }

    @Test
    void proofDataHasABalancedAnswerDistribution() {
        ShapesConfig proof = dev.fiber.tasks.finetune.ShapesTraining.PROOF_SHAPES;
        Map<String, Integer> answers = new HashMap<>();
        int n = 4000;
        for (ShapesQuestion q : ShapesDataset.planAll(2024, n, proof)) {
            assertTrueOfScene(q);
            assertTrue(q.scene().shapes().size() <= proof.maxShapes());
            answers.merge(q.answer(), 1, Integer::sum);
        }
        int majority = answers.values().stream().max(Integer::compare).orElseThrow();
        assertTrue(majority < 0.25 * n, "majority baseline " + majority + " of " + n);
        assertThrows(IllegalArgumentException.class, () -> proof.withVocabulary(1, 4));
        assertThrows(IllegalArgumentException.class, () -> proof.withRadius(0.3, 0.2));
    }

    private static void assertTrueOfScene(ShapesQuestion q) {
        {
            ShapesScene s = q.scene();
            String text = q.question().toLowerCase(Locale.ROOT);
            assertTrue(s.shapes().size() >= 1 && s.shapes().size() <= ShapesDataset.MAX_SHAPES, q.toString());
            switch (q.type()) {
                case COLOR: {
                    ShapeKind k = kindIn(text);
                    List<PlacedShape> ofKind = s.shapes().stream().filter(p -> p.kind() == k).toList();
                    assertEquals(1, ofKind.size(), q.question() + " " + s.shapes());
                    assertEquals(ofKind.get(0).color().word(), q.answer());
                    break;
                }
                case SHAPE: {
                    ShapeColor c = colorIn(text);
                    List<PlacedShape> ofColor = s.shapes().stream().filter(p -> p.color() == c).toList();
                    assertEquals(1, ofColor.size(), q.question() + " " + s.shapes());
                    assertEquals(ofColor.get(0).kind().word(), q.answer());
                    break;
                }
                case COUNT:
                    assertEquals(Long.toString(s.count(kindIn(text))), q.answer(), q.question() + " " + s.shapes());
                    break;
                case EXISTS:
                    assertEquals(s.contains(kindIn(text), colorIn(text)) ? "yes" : "no", q.answer(), q.question() + " " + s.shapes());
                    break;
                default:
                    throw new AssertionError(q.type());
            }
            // inside the image and not overlapping
            List<PlacedShape> ps = s.shapes();
            for (int i = 0; i < ps.size(); i++) {
                PlacedShape p = ps.get(i);
                assertTrue(p.cx() - p.radius() >= 0 && p.cx() + p.radius() <= s.size()
                        && p.cy() - p.radius() >= 0 && p.cy() + p.radius() <= s.size(), p.toString());
                for (int j = i + 1; j < ps.size(); j++) {
                    PlacedShape o = ps.get(j);
                    assertTrue(Math.hypot(p.cx() - o.cx(), p.cy() - o.cy()) >= p.radius() + o.radius(), p + " overlaps " + o);
                }
            }
        }
    }

    @Test
    void shapesAreDrawnInTheirColours() {
        int checked = 0;
        for (ShapesSample smp : ShapesDataset.generate(3, 60)) {
            RgbImage img = smp.image();
            ShapesScene s = smp.scene();
            for (PlacedShape p : s.shapes()) {
                int x = (int) Math.round(p.cx());
                int y = (int) Math.round(p.cy());
                int[] want = p.rgb();
                for (int c = 0; c < 3; c++) {
                    // noise sigma <= 10: 5 sigma
                    assertEquals(want[c], img.get(x, y, c), 50, "centre of " + p + " in example " + smp.index());
                }
                checked++;
            }
            // the top-left corner pixel is background unless a shape covers it
            boolean covered = s.shapes().stream().anyMatch(p -> ShapesRenderer.outline(p).contains(0.5, 0.5));
            if (!covered) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(s.topColor()[c], img.get(0, 0, c), 50, "background of example " + smp.index());
                }
            }
        }
        assertTrue(checked > 100);
    }

    @Test
    void vocabularyAndConfig() {
        assertEquals(18, ShapesDataset.ANSWERS.size());
        assertEquals(List.of("yes", "no", "0", "1", "2", "3", "4"), ShapesDataset.ANSWERS.subList(0, 7));
        assertEquals(ShapesDataset.ANSWERS, ShapesDataset.answerVocabulary().answers());
        assertThrows(IllegalArgumentException.class, () -> new ShapesConfig(8, 4, 0));
        assertThrows(IllegalArgumentException.class, () -> new ShapesConfig(64, 5, 0));
        // a small, noise-free configuration still works and never counts beyond its maximum
        ShapesConfig small = new ShapesConfig(32, 2, 0);
        for (ShapesQuestion q : ShapesDataset.planAll(1, 400, small)) {
            assertTrue(q.scene().shapes().size() <= 2);
            assertNotEquals("3", q.answer());
            assertEquals(0.0, q.scene().noiseSigma());
        }
        assertEquals(32, ShapesDataset.sample(1, 0, small).image().width());
    }

    private static ShapeKind kindIn(String text) {
        for (ShapeKind k : ShapeKind.values()) {
            if (text.matches(".*\\b(" + k.word() + "|" + k.plural() + ")\\b.*")) {
                return k;
            }
        }
        throw new AssertionError("no shape word in " + text);
    }

    private static ShapeColor colorIn(String text) {
        for (ShapeColor c : ShapeColor.values()) {
            if (text.matches(".*\\b" + c.word() + "\\b.*")) {
                return c;
            }
        }
        throw new AssertionError("no colour word in " + text);
    }
}
