package dev.fiber.core.text;

/**
 * A half-open character span {@code [begin, end)} in a Java string (UTF-16 indices), e.g. one entry of
 * the {@code tokens_positive} lists that fine-grained FIBER (MDETR/GLIP annotations) uses to tie a
 * phrase of the caption to a box.
 *
 * <p>Python annotations count code points; for text with characters outside the Basic Multilingual
 * Plane (emoji, ...) convert them with {@link #fromCodePoints(String, int, int)}.
 *
 * @param begin first character (inclusive)
 * @param end   end (exclusive), {@code >= begin}
 */
public record CharSpan(int begin, int end) {

    /** Validates the span. */
    public CharSpan {
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("invalid character span [" + begin + ", " + end + ")");
        }
    }

    /**
     * Converts a span given in code points (Python string indices) into UTF-16 indices of {@code text}.
     * Indices past the end of the text are kept past the end by the same amount.
     *
     * @param text    the text the span refers to
     * @param cpBegin first code point (inclusive)
     * @param cpEnd   end code point (exclusive)
     * @return the span in UTF-16 indices
     */
    public static CharSpan fromCodePoints(String text, int cpBegin, int cpEnd) {
        if (cpBegin < 0 || cpEnd < cpBegin) {
            throw new IllegalArgumentException("invalid code point span [" + cpBegin + ", " + cpEnd + ")");
        }
        return new CharSpan(codePointToCharIndex(text, cpBegin), codePointToCharIndex(text, cpEnd));
    }

    private static int codePointToCharIndex(String text, int cp) {
        int total = text.codePointCount(0, text.length());
        if (cp >= total) {
            return text.length() + (cp - total);
        }
        return text.offsetByCodePoints(0, cp);
    }

    /** @return {@code end - begin} */
    public int length() {
        return end - begin;
    }
}
