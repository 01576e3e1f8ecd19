package dev.fiber.core.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fiber.core.TestData;
import dev.fiber.core.io.Npy;
import dev.fiber.core.io.NpyArray;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fine-grained (phrase grounding) text input of {@code src-test-data/fine/tiny_fine_cases.npz}:
 * ids / masks padded to 256, trimmed character offsets, the normalised positive map and the
 * label -> tokens dictionary must be identical.
 */
class FineTokenizationTest {

    private static Map<String, NpyArray> npz;
    private static FiberTokenizer tok;

    @BeforeAll
    static void load() throws IOException {
        npz = Npy.readNpz(TestData.file("fine/tiny_fine_cases.npz"));
        tok = FiberTokenizer.roberta();
    }

    private static int[] ints(String key) {
        return Arrays.stream(npz.get(key).toLongArray()).mapToInt(Math::toIntExact).toArray();
    }

    @Test
    void idsMasksAndOffsets() {
        String caption = npz.get("input.caption").toStringScalar();
        assertEquals("a red cat. a blue dog.", caption);
        Encoding e = tok.encode(caption, FiberTokenizer.MAX_QUERY_LEN, TokenizerFlavor.FINE);
        assertArrayEquals(ints("input.input_ids"), e.ids());
        assertArrayEquals(ints("input.attention_mask"), e.attentionMask());
        assertArrayEquals(ints("input.special_tokens_mask"), e.specialTokensMask());
        int[] expected = ints("input.token_offsets");
        int[][] offsets = e.offsets();
        assertEquals(expected.length / 2, offsets.length);
        for (int i = 0; i < offsets.length; i++) {
            assertArrayEquals(new int[] {expected[2 * i], expected[2 * i + 1]}, offsets[i], "offsets of token " + i);
        }
        assertEquals(List.of("<s>", "a", "Ġred", "Ġcat", ".", "Ġa", "Ġblue", "Ġdog", ".", "</s>"),
                Arrays.asList(e.tokens()).subList(0, e.length()));
    }

    @Test
    void positiveMapAndLabelToTokens() {
        String caption = npz.get("input.caption").toStringScalar();
        long[] tp = npz.get("input.tokens_positive").toLongArray();
        List<List<CharSpan>> spans = new ArrayList<>();
        for (int j = 0; j < tp.length / 2; j++) {
            spans.add(List.of(new CharSpan((int) tp[2 * j], (int) tp[2 * j + 1])));
        }
        float[][] map = tok.positiveMap(caption, spans, FiberTokenizer.MAX_QUERY_LEN);
        float[] expected = npz.get("input.positive_map").toFloatArray();
        assertArrayEquals(new long[] {2, 256}, npz.get("input.positive_map").shape());
        float maxDiff = 0f;
        for (int j = 0; j < 2; j++) {
            for (int t = 0; t < 256; t++) {
                maxDiff = Math.max(maxDiff, Math.abs(map[j][t] - expected[j * 256 + t]));
                assertEquals(Float.floatToIntBits(expected[j * 256 + t]), Float.floatToIntBits(map[j][t]),
                        "positive_map[" + j + "][" + t + "]");
            }
        }
        System.out.println("positive map max |diff| = " + maxDiff + " (bit-identical)");

        JsonObject l2t = JsonParser.parseString(npz.get("input.label_to_token_json").toStringScalar()).getAsJsonObject();
        Map<Integer, int[]> got = PositiveMap.labelToTokens(map, 1);
        assertEquals(l2t.size(), got.size());
        for (String k : l2t.keySet()) {
            int[] want = new int[l2t.getAsJsonArray(k).size()];
            for (int i = 0; i < want.length; i++) {
                want[i] = l2t.getAsJsonArray(k).get(i).getAsInt();
            }
            assertArrayEquals(want, got.get(Integer.parseInt(k)), "label " + k);
        }
    }

    @Test
    void positiveMapFallbacksAndClipping() {
        String caption = "a red cat. a blue dog.";
        // span starting on the space before "red": falls forward to "Ġred"; span ending after "." + space
        // falls back to "."; a span entirely outside the text is skipped (zero row).
        float[][] map = tok.positiveMap(caption, List.of(
                List.of(new CharSpan(1, 5)),
                List.of(new CharSpan(6, 11)),
                List.of(new CharSpan(40, 45))), 256);
        assertArrayEquals(new int[] {2}, PositiveMap.labelToTokens(map, 0).get(0));
        assertArrayEquals(new int[] {3, 4}, PositiveMap.labelToTokens(map, 0).get(1));
        assertArrayEquals(new int[0], PositiveMap.labelToTokens(map, 0).get(2));
        assertEquals(1f / (1f + 1e-6f), map[0][2]);
        // tokens beyond the width are dropped, as torch slicing does
        float[][] narrow = tok.positiveMap(caption, List.of(List.of(new CharSpan(11, 21))), 6);
        assertArrayEquals(new int[] {5}, PositiveMap.labelToTokens(narrow, 1).get(1));
        // several spans for one label
        float[][] two = tok.positiveMap(caption, List.of(List.of(new CharSpan(0, 1), new CharSpan(19, 22))), 256);
        assertArrayEquals(new int[] {1, 7, 8}, PositiveMap.labelToTokens(two, 1).get(1));
    }

    @Test
    void codePointSpans() {
        String text = "🍕 pizza";
        CharSpan s = CharSpan.fromCodePoints(text, 2, 7);
        assertEquals(new CharSpan(3, 8), s);
        Encoding e = tok.encodeUnpadded(text, TokenizerFlavor.FINE);
        assertEquals(e.charToToken(3), e.charToToken(7));
        assertEquals(new CharSpan(0, 2), e.tokenToChars(1)); // every byte-piece of the emoji spans it whole
    }
}
