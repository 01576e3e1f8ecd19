package dev.fiber.core.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fiber.core.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of {@code src-test-data/coarse/tokenizer_cases.json} (produced with the official coarse
 * FIBER tokenizer call, max length 40): BPE tokens, ids, attention mask and special-tokens mask must be
 * identical.
 */
class TokenizerCasesTest {

    private static JsonObject data;
    private static FiberTokenizer tok;

    @BeforeAll
    static void load() throws IOException {
        data = JsonParser.parseString(Files.readString(TestData.file("coarse/tokenizer_cases.json"),
                StandardCharsets.UTF_8)).getAsJsonObject();
        tok = FiberTokenizer.load(TestData.model("roberta-base"));
    }

    static Stream<Arguments> cases() throws IOException {
        JsonObject d = JsonParser.parseString(Files.readString(TestData.file("coarse/tokenizer_cases.json"),
                StandardCharsets.UTF_8)).getAsJsonObject();
        List<Arguments> out = new ArrayList<>();
        for (JsonElement e : d.getAsJsonArray("cases")) {
            JsonObject c = e.getAsJsonObject();
            out.add(Arguments.of(c.get("group").getAsString() + "/" + c.get("name").getAsString(), c));
        }
        return out.stream();
    }

    private static int[] ints(JsonArray a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsInt();
        }
        return out;
    }

    @Test
    void headerMatchesTheTokenizer() {
        assertEquals(FiberTokenizer.MAX_TEXT_LEN, data.get("max_length").getAsInt());
        JsonObject ids = data.getAsJsonObject("special_ids");
        assertEquals(ids.get("<s>").getAsInt(), tok.bosId());
        assertEquals(ids.get("<pad>").getAsInt(), tok.padId());
        assertEquals(ids.get("</s>").getAsInt(), tok.eosId());
        assertEquals(ids.get("<unk>").getAsInt(), tok.unkId());
        assertEquals(ids.get("<mask>").getAsInt(), tok.maskId());
        assertEquals(50265, tok.vocabSize());
        assertEquals(50000, tok.bpe().numMerges());
        assertTrue(data.getAsJsonArray("cases").size() >= 44);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void caseMatches(String name, JsonObject c) {
        StringBuilder sb = new StringBuilder();
        for (JsonElement cp : c.getAsJsonArray("text_codepoints")) {
            sb.appendCodePoint(cp.getAsInt());
        }
        String text = sb.toString();
        assertEquals(c.get("text").getAsString(), text, name + ": text vs code points");

        List<String> expectedTokens = new ArrayList<>();
        c.getAsJsonArray("bpe_tokens_untruncated").forEach(t -> expectedTokens.add(t.getAsString()));
        assertEquals(expectedTokens, tok.tokenize(text), name + ": BPE tokens");

        Encoding enc = tok.encode(text, data.get("max_length").getAsInt());
        assertArrayEquals(ints(c.getAsJsonArray("input_ids")), enc.ids(), name + ": input_ids");
        assertArrayEquals(ints(c.getAsJsonArray("attention_mask")), enc.attentionMask(), name + ": attention_mask");
        assertArrayEquals(ints(c.getAsJsonArray("special_tokens_mask")), enc.specialTokensMask(),
                name + ": special_tokens_mask");
        assertEquals(c.get("num_text_tokens_untruncated").getAsInt(), enc.numTextTokensUntruncated(), name);
        assertEquals(c.get("truncated").getAsBoolean(), enc.truncated(), name + ": truncated");
    }
}
