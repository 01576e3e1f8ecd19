package dev.fiber.core.text;

import java.util.Arrays;

/**
 * The result of tokenising one text the way FIBER feeds its RoBERTa text encoder: {@code <s>} +
 * text tokens (truncated to {@code maxLength - 2}) + {@code </s>}, right-padded with {@code <pad>} to
 * the requested length. Mirrors the dictionary a HuggingFace tokenizer returns for
 * {@code tokenizer(text, padding="max_length", truncation=True, max_length=L,
 * return_special_tokens_mask=True, return_offsets_mapping=True)}.
 *
 * <p>Immutable; the array accessors return copies.
 */
public final class Encoding {

    private final String text;
    private final int[] ids;
    private final String[] tokens;
    private final int[] attentionMask;
    private final int[] specialTokensMask;
    private final int[] starts;
    private final int[] ends;
    private final int length;
    private final int numTextTokensUntruncated;

    Encoding(String text, int[] ids, String[] tokens, int[] attentionMask, int[] specialTokensMask,
            int[] starts, int[] ends, int length, int numTextTokensUntruncated) {
        this.text = text;
        this.ids = ids;
        this.tokens = tokens;
        this.attentionMask = attentionMask;
        this.specialTokensMask = specialTokensMask;
        this.starts = starts;
        this.ends = ends;
        this.length = length;
        this.numTextTokensUntruncated = numTextTokensUntruncated;
    }

    /** @return the text that was encoded */
    public String text() {
        return text;
    }

    /** @return padded length (the {@code maxLength} asked for, or {@link #length()} when unpadded) */
    public int paddedLength() {
        return ids.length;
    }

    /** @return number of real tokens including {@code <s>} and {@code </s>} (= sum of the attention mask) */
    public int length() {
        return length;
    }

    /** @return number of text tokens before truncation (without {@code <s>}, {@code </s>}) */
    public int numTextTokensUntruncated() {
        return numTextTokensUntruncated;
    }

    /** @return whether text tokens were dropped to fit {@code maxLength} */
    public boolean truncated() {
        return numTextTokensUntruncated > length - 2;
    }

    /** @return token ids, padded ({@code input_ids}) */
    public int[] ids() {
        return ids.clone();
    }

    /** @return token ids as int64, padded (what the model's embedding lookup takes) */
    public long[] idsAsLong() {
        long[] out = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = ids[i];
        }
        return out;
    }

    /**
     * @param i position
     * @return the id at position {@code i}
     */
    public int id(int i) {
        return ids[i];
    }

    /** @return byte-level token strings, padded (e.g. {@code <s> a Ġred Ġcat . </s> <pad> ...}) */
    public String[] tokens() {
        return tokens.clone();
    }

    /** @return 1 for {@code <s>} ... {@code </s>}, 0 for padding ({@code attention_mask}) */
    public int[] attentionMask() {
        return attentionMask.clone();
    }

    /** @return attention mask as int64 */
    public long[] attentionMaskAsLong() {
        long[] out = new long[attentionMask.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = attentionMask[i];
        }
        return out;
    }

    /**
     * @return 1 for the added {@code <s>}, {@code </s>} and every padding position, 0 for text tokens
     *     (special-token strings written in the text count as text) ({@code special_tokens_mask})
     */
    public int[] specialTokensMask() {
        return specialTokensMask.clone();
    }

    /**
     * Character offsets in {@link #text()} (UTF-16 indices), as the fast tokenizer's
     * {@code offset_mapping} with {@code trim_offsets=True}: {@code [i][0]} start, {@code [i][1]} end,
     * (0, 0) for {@code <s>}, {@code </s>} and padding.
     *
     * @return {@code paddedLength() x 2} offsets
     */
    public int[][] offsets() {
        int[][] out = new int[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            out[i] = new int[] {starts[i], ends[i]};
        }
        return out;
    }

    /**
     * @param i position
     * @return the character span of token {@code i} (empty (0,0) for special and padding tokens)
     */
    public CharSpan tokenToChars(int i) {
        return new CharSpan(starts[i], ends[i]);
    }

    /**
     * The token that contains a character, like HuggingFace {@code BatchEncoding.char_to_token}: the first
     * non-special position whose span {@code [start, end)} contains {@code charIndex}.
     *
     * @param charIndex a UTF-16 index into {@link #text()}
     * @return the token position, or -1 if no token covers that character (a space, a truncated part,
     *     or an index outside the text)
     */
    public int charToToken(int charIndex) {
        for (int i = 0; i < length; i++) {
            if (specialTokensMask[i] == 0 && starts[i] <= charIndex && charIndex < ends[i]) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return "Encoding{length=" + length + ", ids=" + Arrays.toString(Arrays.copyOf(ids, length)) + "}";
    }
}
