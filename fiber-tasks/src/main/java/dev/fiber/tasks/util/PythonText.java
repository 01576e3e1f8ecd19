package dev.fiber.tasks.util;

import java.util.ArrayList;
import java.util.List;

/**
 * Python 3 {@code str} whitespace semantics in Java ({@code str.isspace()}, {@code str.split()} without
 * arguments, {@code str.strip()}), which the official FIBER code relies on when it tokenises answers and
 * captions (VQA answer normalisation, CIDEr-D n-grams). Java's {@code String.split("\\s+")} and
 * {@code trim()} differ from them (Unicode spaces, FS..US controls, NEL).
 */
public final class PythonText {

    private PythonText() {}

    /**
     * Python's {@code str.isspace()} for one code point: the space separators (Zs), line and paragraph
     * separators (Zl, Zp), the ASCII controls TAB..CR and FS..US, and NEL (U+0085).
     *
     * @param cp a code point
     * @return whether Python treats it as whitespace
     */
    public static boolean isSpace(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85;
    }

    /**
     * Python's {@code s.split()}: runs of whitespace separate the words; leading and trailing whitespace
     * yields no empty word.
     *
     * @param s a string
     * @return its words (empty for an empty or all-whitespace string)
     */
    public static List<String> split(String s) {
        List<String> parts = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            boolean space = isSpace(cp);
            if (space && start >= 0) {
                parts.add(s.substring(start, i));
                start = -1;
            } else if (!space && start < 0) {
                start = i;
            }
            i += Character.charCount(cp);
        }
        if (start >= 0) {
            parts.add(s.substring(start));
        }
        return parts;
    }

    /**
     * Python's {@code s.strip()}: removes leading and trailing whitespace.
     *
     * @param s a string
     * @return the stripped string
     */
    public static String strip(String s) {
        int begin = 0;
        int end = s.length();
        while (begin < end) {
            int cp = s.codePointAt(begin);
            if (!isSpace(cp)) {
                break;
            }
            begin += Character.charCount(cp);
        }
        while (end > begin) {
            int cp = s.codePointBefore(end);
            if (!isSpace(cp)) {
                break;
            }
            end -= Character.charCount(cp);
        }
        return s.substring(begin, end);
    }
}
