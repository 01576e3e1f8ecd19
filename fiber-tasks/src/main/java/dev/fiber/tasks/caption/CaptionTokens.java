package dev.fiber.tasks.caption;

import dev.fiber.core.text.FiberTokenizer;

/**
 * The special token ids caption decoding uses ({@code caption_test_step}): the sequence starts with
 * {@code <s>}, a hypothesis ends on {@code </s>} or {@code <pad>}, and {@code <mask>} is never
 * generated (its logit is set to -10000).
 *
 * @param bos {@code <s>} (RoBERTa: 0), the first token ({@code tokenizer.cls_token_id})
 * @param pad {@code <pad>} (1)
 * @param eos {@code </s>} (2, {@code tokenizer.sep_token_id})
 * @param mask {@code <mask>} (50264)
 */
public record CaptionTokens(int bos, int pad, int eos, int mask) {

    /**
     * @param tokenizer the tokenizer
     * @return its special ids
     */
    public static CaptionTokens of(FiberTokenizer tokenizer) {
        return new CaptionTokens(tokenizer.bosId(), tokenizer.padId(), tokenizer.eosId(), tokenizer.maskId());
    }

    /** @return the ids of roberta-base (0, 1, 2, 50264) */
    public static CaptionTokens roberta() {
        return of(FiberTokenizer.roberta());
    }

    /**
     * @param id a token id
     * @return whether it ends a hypothesis ({@code </s>} or {@code <pad>})
     */
    public boolean ends(long id) {
        return id == eos || id == pad;
    }
}
