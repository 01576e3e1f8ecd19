package dev.fiber.tasks.vqa;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import dev.fiber.tasks.util.PythonText;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Normalises a VQA answer string exactly as FIBER's {@code utils/glossary.normalize_word} does before
 * counting the {@code multiple_choice_answer}s that make up the answer vocabulary (the classic VQA
 * evaluation normalisation, with that function's own quirks).
 *
 * <p>Steps, in order (all quirks kept on purpose, since they decide the official class list):
 * <ol>
 *   <li><b>Punctuation.</b> For each of the 23 characters {@code ; / [ ] " { } ( ) = + \ _ - > < @ ` , ? !}:
 *       if the <em>original</em> input contains that character followed by a space or preceded by a
 *       space, <em>or</em> if the original input contains a digit, a comma and a digit in a row
 *       (anywhere, whatever the character), every occurrence of the character is deleted; otherwise each
 *       occurrence is replaced by a space. The conditions always look at the original input, never at the
 *       partially cleaned text.</li>
 *   <li><b>Periods.</b> A {@code .} not followed by a (Unicode) decimal digit is deleted, but only the
 *       first 32 such periods: the official call passes {@code re.UNICODE} (= 32) in the position of
 *       {@code re.sub}'s {@code count} argument. (The pattern's {@code (?!<=\d)} is a look-ahead for the
 *       literal text {@code "<="}, not a look-behind, so a digit before the period does not matter.)</li>
 *   <li><b>Words.</b> Lower-case, split on whitespace (Python's {@code str.split()} whitespace set), map
 *       number words {@code none, zero, one, ..., ten} to {@code 0, 0, 1, ..., 10}, then drop the articles
 *       {@code a, an, the} (after the number mapping).</li>
 *   <li><b>Contractions.</b> Each remaining word that is a key of the contraction table (for example
 *       {@code dont -> don't}) is replaced. The table's capitalised keys never match (the words are
 *       already lower-case) and it maps {@code somebody'd} to {@code somebodyd}.</li>
 *   <li>Join with single spaces and delete every remaining comma.</li>
 * </ol>
 * An answer made only of articles (for example {@code "a"}) normalises to the empty string, which is a
 * class of its own in the official VQAv2 vocabulary.
 */
public final class VqaAnswerNormalizer {

    /** The punctuation characters handled in step 1, in the official order. */
    static final List<String> PUNCTUATION = List.of(
            ";", "/", "[", "]", "\"", "{", "}", "(", ")", "=", "+", "\\", "_", "-", ">", "<", "@", "`", ",", "?", "!");

    /** The number words mapped to digits in step 3. */
    static final Map<String, String> NUMBER_WORDS = Map.ofEntries(
            Map.entry("none", "0"), Map.entry("zero", "0"), Map.entry("one", "1"), Map.entry("two", "2"),
            Map.entry("three", "3"), Map.entry("four", "4"), Map.entry("five", "5"), Map.entry("six", "6"),
            Map.entry("seven", "7"), Map.entry("eight", "8"), Map.entry("nine", "9"), Map.entry("ten", "10"));

    /** The articles dropped in step 3. */
    static final Set<String> ARTICLES = Set.of("a", "an", "the");

    /** Maximum number of periods removed by step 2 (the value of {@code re.UNICODE} used as a count). */
    static final int MAX_PERIODS_REMOVED = 32;

    private static final Map<String, String> CONTRACTIONS = loadContractions();

    private VqaAnswerNormalizer() {}

    /**
     * Normalises one answer string.
     *
     * @param answer the raw answer (for example a {@code multiple_choice_answer} of a VQAv2 annotation)
     * @return the normalised answer, possibly empty
     * @throws NullPointerException if {@code answer} is null
     */
    public static String normalize(String answer) {
        if (answer == null) {
            throw new NullPointerException("VQA answer is null");
        }
        String cleaned = stripPunctuation(answer);
        cleaned = stripPeriods(cleaned);
        List<String> words = new ArrayList<>();
        for (String word : PythonText.split(cleaned.toLowerCase(Locale.ROOT))) {
            String mapped = NUMBER_WORDS.getOrDefault(word, word);
            if (!ARTICLES.contains(mapped)) {
                words.add(mapped);
            }
        }
        for (int i = 0; i < words.size(); i++) {
            String replacement = CONTRACTIONS.get(words.get(i));
            if (replacement != null) {
                words.set(i, replacement);
            }
        }
        return String.join(" ", words).replace(",", "");
    }

    /** @return the contraction table (unpunctuated form to canonical form), read-only */
    public static Map<String, String> contractions() {
        return CONTRACTIONS;
    }

    static String stripPunctuation(String original) {
        boolean digitCommaDigit = hasDigitCommaDigit(original);
        String out = original;
        for (String p : PUNCTUATION) {
            if (digitCommaDigit || original.contains(p + " ") || original.contains(" " + p)) {
                out = out.replace(p, "");
            } else {
                out = out.replace(p, " ");
            }
        }
        return out;
    }

    /** Python's {@code re.search(r"(\d)(\,)(\d)", s)} with Unicode digits. */
    static boolean hasDigitCommaDigit(String s) {
        int[] cps = s.codePoints().toArray();
        for (int i = 0; i + 2 < cps.length; i++) {
            if (cps[i + 1] == ',' && Character.isDigit(cps[i]) && Character.isDigit(cps[i + 2])) {
                return true;
            }
        }
        return false;
    }

    /** Deletes the first {@value #MAX_PERIODS_REMOVED} periods that are not followed by a decimal digit. */
    static String stripPeriods(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int removed = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (cp == '.' && removed < MAX_PERIODS_REMOVED
                    && !(next < s.length() && Character.isDigit(s.codePointAt(next)))) {
                removed++;
            } else {
                out.appendCodePoint(cp);
            }
            i = next;
        }
        return out.toString();
    }

    private static Map<String, String> loadContractions() {
        String resource = "contractions.tsv";
        try (InputStream in = VqaAnswerNormalizer.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource dev/fiber/tasks/vqa/" + resource);
            }
            Map<String, String> map = new LinkedHashMap<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int tab = line.indexOf('\t');
                if (tab <= 0) {
                    throw new IllegalStateException("bad line in " + resource + ": " + line);
                }
                map.put(line.substring(0, tab), line.substring(tab + 1));
            }
            return Collections.unmodifiableMap(map);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
