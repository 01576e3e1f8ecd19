package dev.fiber.tasks.vqa;

import dev.fiber.core.TestData;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class VqaAnswerNormalizerTest {

    @Test
    void matchesOfficialNormalizeWordOnEveryCase() throws Exception {
        JsonArray cases = JsonParser.parseString(Files.readString(TestData.file("vqa/normalize_cases.json")))
                .getAsJsonArray();
        int mismatches = 0;
        StringBuilder report = new StringBuilder();
        for (JsonElement e : cases) {
            JsonObject c = e.getAsJsonObject();
            String input = c.get("input").getAsString();
            String expected = c.get("expected").getAsString();
            String actual = VqaAnswerNormalizer.normalize(input);
            if (!expected.equals(actual)) {
                mismatches++;
                report.append("\n  '").append(input).append("' -> '").append(actual).append("', expected '")
                        .append(expected).append("'");
            }
        }
        System.out.println("VQA normalize: " + cases.size() + " official cases, " + mismatches + " mismatches");
        assertEquals(0, mismatches, report.toString());
    }

    @Test
    void quirksSpelledOut() {
        // 32-period cap (re.UNICODE passed as count)
        assertEquals("........", VqaAnswerNormalizer.normalize(".".repeat(40)));
        // digit-comma-digit anywhere deletes all punctuation instead of spacing it
        assertEquals("123 x y", VqaAnswerNormalizer.normalize("12,3 (x) - y"));
        assertEquals("x y", VqaAnswerNormalizer.normalize("(x)-y"));
        // articles dropped after the number-word map; empty answer
        assertEquals("", VqaAnswerNormalizer.normalize("The"));
        assertEquals("1", VqaAnswerNormalizer.normalize("The One"));
        // contraction table quirks
        assertEquals("somebodyd", VqaAnswerNormalizer.normalize("somebody'd"));
        assertEquals("im", VqaAnswerNormalizer.normalize("Im"));
        assertEquals("don't", VqaAnswerNormalizer.normalize("Dont"));
        assertEquals(120, VqaAnswerNormalizer.contractions().size());
        assertThrows(NullPointerException.class, () -> VqaAnswerNormalizer.normalize(null));
    }
}
