package dev.fiber.core.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.djl.util.Utils;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fiber.core.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cross-checks the pure-Java tokenizer ({@link TokenizerFlavor#FINE}) against the HuggingFace Rust
 * tokenizer (DJL 0.35.1, tokenizers 0.21) loading the {@code tokenizer.json} that
 * {@link HfTokenizerJson} generates: ids, special-tokens mask and character offsets on the reference
 * texts and a seeded random corpus. Also proves DJL's tokenizer loads with {@code ai.djl.offline=true}
 * from the native library inside its Maven jar, and records load/encode timings (the measurement behind
 * choosing the Java implementation).
 */
class HfTokenizerParityTest {

    @TempDir
    static Path tmp;

    private static FiberTokenizer java;
    private static HuggingFaceTokenizer rust;
    private static long rustLoadNanos;

    @BeforeAll
    static void load() throws IOException {
        assertTrue(Utils.isOfflineMode(), "tests run with ai.djl.offline=true");
        Path json = tmp.resolve("tokenizer.json");
        HfTokenizerJson.write(TestData.model("roberta-base"), json);
        long t0 = System.nanoTime();
        rust = HuggingFaceTokenizer.builder()
                .optTokenizerPath(json)
                .optAddSpecialTokens(true)
                .optTruncation(false)
                .optPadding(false)
                .build();
        rustLoadNanos = System.nanoTime() - t0;
        java = FiberTokenizer.load(TestData.model("roberta-base"));
    }

    @AfterAll
    static void close() {
        if (rust != null) {
            rust.close();
        }
    }

    private static List<String> referenceTexts() throws IOException {
        JsonObject d = JsonParser.parseString(Files.readString(TestData.file("coarse/tokenizer_cases.json"),
                StandardCharsets.UTF_8)).getAsJsonObject();
        List<String> out = new ArrayList<>();
        for (JsonElement e : d.getAsJsonArray("cases")) {
            StringBuilder sb = new StringBuilder();
            e.getAsJsonObject().getAsJsonArray("text_codepoints").forEach(cp -> sb.appendCodePoint(cp.getAsInt()));
            out.add(sb.toString());
        }
        out.add("a red cat. a blue dog.");
        out.add("hello  <mask> world <s>x</s>  <pad><unk>");
        out.add("\u0085<mask>\u3000<mask>");
        return out;
    }

    /** Random strings over a pool that exercises every branch of the pre-tokenizer and the offsets. */
    private static List<String> randomTexts(int count, long seed) {
        String[] pool = {"a", "b", "Z", "the", " ", " ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "\u2009",
            "\u200b", "'s", "'t", "'ll", "'", "don't", "0", "12", "345", ".", ",", "!?", "-", "(", ")", "é",
            "e\u0301", "ß", "Ж", "Привет", "東京", "の", "ｆｕｌｌ", "١٢", "Ⅻ", "½", "²", "🍕", "👩\u200d👩\u200d👧",
            "👍🏽", "𝔘", "ﬁ", "<mask>", " <mask>", "<s>", "</s>", "<pad>", "<unk>", "<", ">", "&amp;", "\u00ad",
            "\u1680", "\u2028", "\u001c", "\u0085", "x\u0308", "ǅ", "ﷺ"};
        Random r = new Random(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StringBuilder sb = new StringBuilder();
            int n = 1 + r.nextInt(12);
            for (int k = 0; k < n; k++) {
                sb.append(pool[r.nextInt(pool.length)]);
            }
            out.add(sb.toString());
        }
        return out;
    }

    private static void assertSame(String text) {
        ai.djl.huggingface.tokenizers.Encoding h = rust.encode(text);
        Encoding j = java.encodeUnpadded(text, TokenizerFlavor.FINE);
        String what = "text " + escape(text);
        assertArrayEquals(h.getIds(), j.idsAsLong(), what + ": ids");
        assertArrayEquals(h.getTokens(), j.tokens(), what + ": tokens");
        long[] special = h.getSpecialTokenMask();
        int[] jSpecial = j.specialTokensMask();
        long[] jSpecialLong = new long[jSpecial.length];
        for (int i = 0; i < jSpecial.length; i++) {
            jSpecialLong[i] = jSpecial[i];
        }
        CharSpan[] spans = h.getCharTokenSpans();
        int[][] offsets = j.offsets();
        for (int i = 0; i < offsets.length; i++) {
            int hs = spans[i] == null ? 0 : spans[i].getStart();
            int he = spans[i] == null ? 0 : spans[i].getEnd();
            // DJL reports code-point offsets; ours are UTF-16: compare in code points.
            int js = text.codePointCount(0, Math.min(offsets[i][0], text.length()));
            int je = text.codePointCount(0, Math.min(offsets[i][1], text.length()));
            assertEquals(hs + "," + he, js + "," + je, what + ": offsets of token " + i + " " + j.tokens()[i]);
        }
        assertArrayEquals(special, jSpecialLong, what + ": special tokens mask");
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            if (cp >= 0x20 && cp < 0x7f) {
                sb.appendCodePoint(cp);
            } else {
                sb.append(String.format("\\u{%x}", cp));
            }
        });
        return sb.append('"').toString();
    }

    @Test
    void referenceTextsMatchRust() throws IOException {
        for (String t : referenceTexts()) {
            if (!FiberTokenizer.isPythonBlank(t)) {
                assertSame(t);
            }
        }
    }

    @Test
    void blankTextIsTokenisedByTheFastFlavour() {
        for (String t : new String[] {"", " ", "   ", "\n", "\u00a0", "\t \n"}) {
            assertSame(t);
        }
    }

    @Test
    void randomCorpusMatchesRust() {
        int n = Integer.getInteger("fiber.fuzz.count", 3000);
        for (String t : randomTexts(n, 20240611L)) {
            assertSame(t);
        }
    }

    @Test
    void timings() throws IOException {
        List<String> corpus = randomTexts(2000, 7L);
        Path json = tmp.resolve("tokenizer.json");
        long javaLoad = Long.MAX_VALUE;
        long rustLoad = Long.MAX_VALUE;
        FiberTokenizer fresh = null;
        for (int rep = 0; rep < 3; rep++) {
            long t0 = System.nanoTime();
            fresh = FiberTokenizer.load(TestData.model("roberta-base"));
            long t1 = System.nanoTime();
            HuggingFaceTokenizer h = HuggingFaceTokenizer.builder().optTokenizerPath(json).build();
            rustLoad = Math.min(rustLoad, System.nanoTime() - t1);
            h.close();
            javaLoad = Math.min(javaLoad, t1 - t0);
        }
        long javaEncode = Long.MAX_VALUE;
        long rustEncode = Long.MAX_VALUE;
        for (int rep = 0; rep < 3; rep++) {
            long a = System.nanoTime();
            for (String t : corpus) {
                fresh.encode(t, 40, TokenizerFlavor.FINE);
            }
            long b = System.nanoTime();
            for (String t : corpus) {
                rust.encode(t);
            }
            long c = System.nanoTime();
            javaEncode = Math.min(javaEncode, b - a);
            rustEncode = Math.min(rustEncode, c - b);
        }
        System.out.printf("tokenizer load (best of 3): java %.1f ms, DJL/Rust %.1f ms (first DJL load incl. native"
                + " library: %.1f ms)%n", javaLoad / 1e6, rustLoad / 1e6, rustLoadNanos / 1e6);
        System.out.printf("encode %d texts (best of 3): java %.1f ms, DJL/Rust %.1f ms%n", corpus.size(),
                javaEncode / 1e6, rustEncode / 1e6);
    }
}
