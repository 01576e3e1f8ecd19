package dev.fiber.tasks.grounding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fiber.core.io.Npy;
import dev.fiber.core.io.NpyArray;
import dev.fiber.tasks.grounding.post.PositiveMap;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

/** Captions and positive maps against the reference case and hand-checked prompts. */
class GroundingPromptsTest {

    @Test
    void referenceCaseMapsToTheSameTokens() throws Exception {
        Map<String, NpyArray> ref = Npy.readNpz(TestFiles.data("fine/tiny_fine_cases.npz"));
        long[] off = ref.get("input.token_offsets").toLongArray();
        int[][] offsets = new int[off.length / 2][];
        for (int t = 0; t < offsets.length; t++) {
            offsets[t] = new int[] {(int) off[2 * t], (int) off[2 * t + 1]};
        }
        long[] tp = ref.get("input.tokens_positive").toLongArray();
        List<List<int[]>> spans = List.of(List.of(new int[] {(int) tp[0], (int) tp[1]}),
                List.of(new int[] {(int) tp[2], (int) tp[3]}));
        PositiveMap map = GroundingPrompts.positiveMap(offsets, spans, new long[] {1, 2});
        assertArrayEquals(new int[] {1, 2, 3}, map.labelToTokens().get(1L));
        assertArrayEquals(new int[] {5, 6, 7}, map.labelToTokens().get(2L));
        float[][] rows = GroundingPrompts.positiveMatrix(offsets, spans, 256);
        float[] expected = ref.get("input.positive_map").toFloatArray();
        for (int r = 0; r < 2; r++) {
            assertArrayEquals(java.util.Arrays.copyOfRange(expected, 256 * r, 256 * (r + 1)), rows[r], 0f);
        }
    }

    @Test
    void detectionPromptAndFallbacks() {
        GroundingPrompts.Prompt p = GroundingPrompts.detectionPrompt(List.of("traffic_light", "dog (animal)", "cat"), ". ");
        assertEquals("traffic light. dog . cat", p.caption());
        assertArrayEquals(new int[] {0, 13}, p.spans().get(0).get(0));
        assertArrayEquals(new int[] {15, 19}, p.spans().get(1).get(0));
        assertArrayEquals(new int[] {21, 24}, p.spans().get(2).get(0));
        // "<s> traffic Ġlight . Ġdog Ġ. Ġcat </s>" with trimmed offsets; "dog " ends on a space -> end-2
        int[][] offsets = {{0, 0}, {0, 7}, {8, 13}, {13, 14}, {15, 18}, {19, 20}, {21, 24}, {0, 0}};
        PositiveMap map = GroundingPrompts.positiveMap(offsets, p.spans(), new long[] {10, 18, 17});
        assertArrayEquals(new int[] {1, 2}, map.labelToTokens().get(10L));
        assertArrayEquals(new int[] {4}, map.labelToTokens().get(18L));
        assertArrayEquals(new int[] {6}, map.labelToTokens().get(17L));
        // a span starting on a space maps to the next token (beg+1)
        PositiveMap shifted = GroundingPrompts.positiveMap(offsets, List.of(List.of(new int[] {7, 13})), new long[] {1});
        assertArrayEquals(new int[] {2}, shifted.labelToTokens().get(1L));
        assertEquals(-1, GroundingPrompts.charToToken(offsets, 14));
    }
}
