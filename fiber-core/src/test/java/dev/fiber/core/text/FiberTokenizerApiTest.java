package dev.fiber.core.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fiber.core.TestData;
import dev.fiber.core.io.Npy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading, errors, decoding, batching and the generated {@code tokenizer.json}. */
class FiberTokenizerApiTest {

    private final FiberTokenizer tok = FiberTokenizer.roberta();

    @Test
    void robertaIsSharedAndPackagedOnTheClasspath() throws IOException {
        assertSame(tok, FiberTokenizer.roberta());
        for (String f : new String[] {"vocab.json", "merges.txt", "LICENSE"}) {
            try (InputStream in = FiberTokenizer.class.getResourceAsStream(FiberTokenizer.ROBERTA_RESOURCE_DIR + f)) {
                assertNotNull(in, f + " is packaged as a resource");
                assertArrayEquals(Files.readAllBytes(TestData.model("roberta-base/" + f)), in.readAllBytes(), f);
            }
        }
        assertEquals(50265, tok.vocabSize());
    }

    @Test
    void clearErrors(@TempDir Path dir) throws IOException {
        assertThrows(NullPointerException.class, () -> tok.encode(null, 40));
        assertThrows(NullPointerException.class, () -> tok.tokenize(null));
        assertThrows(IllegalArgumentException.class, () -> tok.encode("x", 1));
        IllegalArgumentException surrogate = assertThrows(IllegalArgumentException.class,
                () -> tok.encode("bad \ud800 text", 40));
        assertTrue(surrogate.getMessage().contains("unpaired surrogate"), surrogate.getMessage());
        IOException missing = assertThrows(IOException.class, () -> FiberTokenizer.load(dir));
        assertTrue(missing.getMessage().contains("vocab.json"), missing.getMessage());
        Files.writeString(dir.resolve("vocab.json"), "[1,2]");
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\na b\n");
        IOException badVocab = assertThrows(IOException.class, () -> FiberTokenizer.load(dir));
        assertTrue(badVocab.getMessage().contains("vocab.json"), badVocab.getMessage());
        Files.writeString(dir.resolve("vocab.json"), "{\"a\": 0, \"b\": 1}");
        IllegalArgumentException notRoberta = assertThrows(IllegalArgumentException.class, () -> FiberTokenizer.load(dir));
        assertTrue(notRoberta.getMessage().contains("<s>"), notRoberta.getMessage());
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\nab\n");
        IOException badMerges = assertThrows(IOException.class, () -> FiberTokenizer.load(dir));
        assertTrue(badMerges.getMessage().contains("merges.txt line 2"), badMerges.getMessage());
        assertThrows(IllegalArgumentException.class, () -> tok.decode(new int[] {50265}, false));
        assertThrows(IllegalArgumentException.class, () -> tok.decode(new long[] {-1}, false));
    }

    @Test
    void emptyAndBlankText() {
        assertArrayEquals(new int[] {0, 2, 1, 1}, tok.encode("", 4).ids());
        assertArrayEquals(new int[] {0, 2, 1, 1}, tok.encode(" \t\u3000", 4).ids());
        // the fast tokenizer (fine-grained FIBER) does tokenise blank text
        assertArrayEquals(new int[] {0, 1437, 2, 1}, tok.encode(" ", 4, TokenizerFlavor.FINE).ids());
        Encoding e = tok.encodeUnpadded("", TokenizerFlavor.FINE);
        assertEquals(2, e.length());
        assertEquals(2, e.paddedLength());
        assertFalse(e.truncated());
        assertEquals(-1, e.charToToken(0));
    }

    @Test
    void truncationKeepsTheFirstTokens() {
        Encoding e = tok.encode("one two three four five", 4);
        assertArrayEquals(new int[] {0, 1264, 80, 2}, e.ids());
        assertTrue(e.truncated());
        assertEquals(5, e.numTextTokensUntruncated());
        assertArrayEquals(new int[] {1, 1, 1, 1}, e.attentionMask());
    }

    @Test
    void decodeRoundTripsAndFollowsTransformers() {
        String text = "a man riding a horse on a sandy beach.";
        Encoding e = tok.encode(text, 40);
        assertEquals(text, tok.decode(e.ids(), true));
        assertEquals("<s>" + text + "</s>", tok.decode(e.ids(), false).replace("<pad>", ""));
        assertEquals("café naïve 🍕 東京", tok.decode(tok.encode("café naïve 🍕 東京", 40).ids(), true));
        // clean_up_tokenization
        assertEquals("Hello, world! Isn't it?", tok.decode(tok.encode("Hello , world ! Is n't it ?", 40).ids(), true));
        assertEquals("Hello , world !", tok.decode(tok.encode("Hello , world !", 40).ids(), true, false));
        // an incomplete UTF-8 sequence becomes U+FFFD
        int[] firstPieceOfPizza = {tok.bpe().tokenToId("ðŁ")};
        assertEquals("\ufffd", tok.decode(firstPieceOfPizza, true));
    }

    @Test
    void decodeMatchesTheReferenceCaptions() throws IOException {
        JsonObject d = JsonParser.parseString(Files.readString(TestData.file("coarse/tiny_caption_beam.json"),
                StandardCharsets.UTF_8)).getAsJsonObject();
        for (JsonElement r : d.getAsJsonArray("results")) {
            JsonArray ids = r.getAsJsonObject().getAsJsonArray("ids");
            long[] l = new long[ids.size()];
            for (int i = 0; i < l.length; i++) {
                l[i] = ids.get(i).getAsLong();
            }
            assertEquals(r.getAsJsonObject().get("caption").getAsString(), tok.decode(l, false).replace("<pad>", ""));
        }
    }

    @Test
    void batchToNDArrays() throws IOException {
        var ref = Npy.readNpz(TestData.file("coarse/tiny_cases.npz"));
        List<String> texts = List.of("a man riding a horse on a sandy beach.",
                "Two dogs are playing with a red frisbee in the park, while a small crowd watches them.");
        try (NDManager m = NDManager.newBaseManager()) {
            TextBatch b = tok.encodeBatch(texts, 40, m);
            assertEquals(new Shape(2, 40), b.inputIds().getShape());
            assertEquals(DataType.INT64, b.inputIds().getDataType());
            assertEquals(DataType.INT64, b.attentionMask().getDataType());
            assertEquals(2, b.encodings().size());
            assertArrayEquals(b.encodings().get(1).idsAsLong(), b.inputIds().get(1).toLongArray());
            long[] refIds = ref.get("text_ids").toLongArray();
            long[] refMask = ref.get("text_masks").toLongArray();
            assertEquals(12, b.encodings().get(0).length());
            assertArrayEquals(refIds, b.inputIds().toLongArray(), "text_ids of tiny_cases.npz");
            assertArrayEquals(refMask, b.attentionMask().toLongArray(), "text_masks of tiny_cases.npz");
        }
        try (NDManager m = NDManager.newBaseManager()) {
            assertThrows(IllegalArgumentException.class, () -> tok.encodeBatch(List.of(), 40, m));
            assertThrows(NullPointerException.class, () -> tok.encodeBatch(java.util.Arrays.asList("a", null), 40, m));
        }
    }

    @Test
    void tokenizerJsonIsGeneratedFromVocabAndMerges(@TempDir Path dir) throws IOException {
        String json = HfTokenizerJson.generate(TestData.model("roberta-base"));
        assertEquals(json, HfTokenizerJson.toJson(tok.bpe()), "generation is deterministic");
        JsonObject root = JsonParser.parseString(json).getAsJsonObject();
        JsonObject model = root.getAsJsonObject("model");
        assertEquals("BPE", model.get("type").getAsString());
        assertEquals(50265, model.getAsJsonObject("vocab").size());
        assertEquals(50000, model.getAsJsonArray("merges").size());
        assertEquals("Ġ t", model.getAsJsonArray("merges").get(0).getAsString());
        assertEquals(5, root.getAsJsonArray("added_tokens").size());
        assertFalse(root.getAsJsonObject("pre_tokenizer").get("add_prefix_space").getAsBoolean());
        Path out = dir.resolve("tokenizer.json");
        HfTokenizerJson.write(TestData.model("roberta-base"), out);
        assertEquals(json, Files.readString(out, StandardCharsets.UTF_8));
    }
}
