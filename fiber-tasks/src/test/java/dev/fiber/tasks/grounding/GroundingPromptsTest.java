package dev.fiber.tasks.grounding;

import dev.fiber.core.TestData;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fiber.core.io.Npy;
import dev.fiber.core.io.NpyArray;
import dev.fiber.core.text.CharSpan;
import dev.fiber.core.text.FiberTokenizer;
import dev.fiber.tasks.grounding.post.LabelTokens;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

/** Captions and label-to-token maps against the reference case and hand-checked prompts. */
class GroundingPromptsTest {

    @Test
    void referenceCaseMapsToTheSameTokens() throws Exception {
        Map<String, NpyArray> ref = Npy.readNpz(TestData.file("fine/tiny_fine_cases.npz"));
        long[] tp = ref.get("input.tokens_positive").toLongArray();
        GroundingPrompts.Prompt prompt = new GroundingPrompts.Prompt(ref.get("input.caption").toStringScalar(),
                List.of(List.of(new CharSpan((int) tp[0], (int) tp[1])), List.of(new CharSpan((int) tp[2], (int) tp[3]))));
        LabelTokens map = GroundingPrompts.labelTokens(FiberTokenizer.roberta(), prompt, new long[] {1, 2}, 256);
        assertArrayEquals(new int[] {1, 2, 3}, map.labelToTokens().get(1L));
        assertArrayEquals(new int[] {5, 6, 7}, map.labelToTokens().get(2L));
    }

    @Test
    void detectionPromptAndSpanFallbacks() {
        GroundingPrompts.Prompt p = GroundingPrompts.detectionPrompt(List.of("traffic_light", "dog (animal)", "cat"), ". ");
        assertEquals("traffic light. dog . cat", p.caption());
        assertEquals(new CharSpan(0, 13), p.spans().get(0).get(0));
        assertEquals(new CharSpan(15, 19), p.spans().get(1).get(0));
        assertEquals(new CharSpan(21, 24), p.spans().get(2).get(0));
        // <s> tra ffic Ġlight . Ġdog Ġ. Ġcat </s>: "dog " ends on a space, so its end falls back to end-2
        LabelTokens map = GroundingPrompts.labelTokens(FiberTokenizer.roberta(), p, new long[] {10, 18, 17}, 256);
        assertArrayEquals(new int[] {1, 2, 3}, map.labelToTokens().get(10L));
        assertArrayEquals(new int[] {5}, map.labelToTokens().get(18L));
        assertArrayEquals(new int[] {7}, map.labelToTokens().get(17L));
    }
}
