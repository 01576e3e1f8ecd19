package dev.fiber.tasks.grounding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fiber.core.text.CharSpan;
import org.junit.jupiter.api.Test;

import java.util.List;

/** The noun-phrase heuristic on typical captions, with exact spans. */
class PhraseFinderTest {

    private static List<String> texts(String caption) {
        List<PhraseFinder.Phrase> found = PhraseFinder.find(caption);
        for (PhraseFinder.Phrase p : found) {
            assertEquals(p.text(), caption.substring(p.span().begin(), p.span().end()), "span of " + p);
        }
        return found.stream().map(PhraseFinder.Phrase::text).toList();
    }

    @Test
    void briefExample() {
        List<PhraseFinder.Phrase> found = PhraseFinder.find("a man in a red shirt holding a dog");
        assertEquals(List.of(new PhraseFinder.Phrase("a man", new CharSpan(0, 5)),
                new PhraseFinder.Phrase("a red shirt", new CharSpan(9, 20)),
                new PhraseFinder.Phrase("a dog", new CharSpan(29, 34))), found);
    }

    @Test
    void typicalCaptions() {
        assertEquals(List.of("Two young guys", "shaggy hair", "their hands", "the yard"),
                texts("Two young guys with shaggy hair look at their hands while hanging out in the yard."));
        assertEquals(List.of("A dog", "the grass"), texts("A dog runs through the grass."));
        assertEquals(List.of("people", "a building"), texts("people are standing near a building"));
        assertEquals(List.of("a running dog", "a frisbee"), texts("a running dog catches a frisbee"));
        assertEquals(List.of("a red cat", "a blue dog"), texts("a red cat. a blue dog."));
        // detection-style prompts: punctuation separates the names
        assertEquals(List.of("person", "bicycle", "traffic light"), texts("person. bicycle. traffic light"));
        // hyphenated words and possessives stay inside a phrase; digits count as determiners
        assertEquals(List.of("a black-and-white dog", "the man's hat"), texts("a black-and-white dog holds the man's hat"));
        assertEquals(List.of("3 children", "a blue slide"), texts("3 children on a blue slide"));
        // a new determiner starts a new phrase even without a break word
        assertEquals(List.of("a woman", "a child"), texts("a woman a child"));
    }

    @Test
    void knownLimitsAreAsDocumented() {
        // prepositional phrases are split
        assertEquals(List.of("A cup", "coffee"), texts("A cup of coffee"));
        // verbs outside the lists are taken for nouns
        assertEquals(List.of("a dog chews", "a bone"), texts("a dog chews a bone"));
        // pronouns are not phrases
        assertTrue(texts("he is there with her").isEmpty());
    }

    @Test
    void nothingToFind() {
        assertTrue(PhraseFinder.find("").isEmpty());
        assertTrue(PhraseFinder.find("   ...  ").isEmpty());
        assertTrue(PhraseFinder.find("the of and").isEmpty());
    }
}
