package dev.fiber.tasks.grounding;

import dev.fiber.tasks.grounding.post.PositiveMap;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Captions and label-to-token maps for grounding and detection, as FIBER builds them.
 *
 * <ul>
 *   <li>{@link #detectionPrompt}: {@code create_queries_and_maps} — category names cleaned
 *       ({@code clean_name}: drop {@code (...)}, {@code _} to space, double spaces to one) and joined with
 *       {@code DATASETS.SEPARATION_TOKENS} ({@code ". "}), one character span per category;</li>
 *   <li>{@link #positiveMap}: {@code create_positive_dict} / {@code create_positive_map} — each span
 *       {@code [beg, end)} covers the tokens from {@code char_to_token(beg)} to {@code char_to_token(end-1)};
 *       when a character belongs to no token (RoBERTa's offsets are trimmed, so spaces belong to none) the
 *       start falls back to {@code beg+1}, {@code beg+2} and the end to {@code end-2}, {@code end-3}; a span
 *       that still has no token is skipped.</li>
 * </ul>
 */
public final class GroundingPrompts {

    private GroundingPrompts() {}

    /**
     * A caption with one or more character spans per label.
     *
     * @param caption the text given to the tokenizer
     * @param spans per label (in label order), its {@code [start, end)} character spans
     */
    public record Prompt(String caption, List<List<int[]>> spans) {}

    /**
     * FIBER's {@code clean_name}.
     *
     * @param name a category name
     * @return the cleaned name
     */
    public static String cleanName(String name) {
        return name.replaceAll("\\(.*\\)", "").replace("_", " ").replace("  ", " ");
    }

    /**
     * Builds the detection caption {@code "name1. name2. ..."}.
     *
     * @param names category names
     * @param separator {@code DATASETS.SEPARATION_TOKENS} ({@code ". "})
     * @return caption and one span per category
     */
    public static Prompt detectionPrompt(List<String> names, String separator) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("no category names");
        }
        StringBuilder sb = new StringBuilder();
        List<List<int[]>> spans = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            int start = sb.length();
            sb.append(cleanName(names.get(i)));
            spans.add(List.of(new int[] {start, sb.length()}));
            if (i != names.size() - 1) {
                sb.append(separator);
            }
        }
        return new Prompt(sb.toString(), spans);
    }

    /**
     * The token of a character, as the HuggingFace fast tokenizer's {@code char_to_token}.
     *
     * @param offsets per token its {@code [start, end)} characters ({@code (0, 0)} for special and pad tokens)
     * @param c character index
     * @return the token index, or -1 if the character belongs to no token
     */
    public static int charToToken(int[][] offsets, int c) {
        for (int t = 0; t < offsets.length; t++) {
            if (offsets[t][0] < offsets[t][1] && offsets[t][0] <= c && c < offsets[t][1]) {
                return t;
            }
        }
        return -1;
    }

    /**
     * Maps labels to tokens ({@code create_positive_dict}).
     *
     * @param offsets per token its character span ({@code (0, 0)} for special and pad tokens)
     * @param spans per label its character spans
     * @param labels label id of each entry of {@code spans} (grounding: 1, 2, ...; detection: category ids)
     * @return the label-to-token map (labels whose spans found no token are absent)
     */
    public static PositiveMap positiveMap(int[][] offsets, List<List<int[]>> spans, long[] labels) {
        if (labels.length != spans.size()) {
            throw new IllegalArgumentException(labels.length + " labels for " + spans.size() + " span lists");
        }
        Map<Long, List<Integer>> map = new LinkedHashMap<>();
        for (int j = 0; j < spans.size(); j++) {
            for (int[] span : spans.get(j)) {
                int[] range = tokenRange(offsets, span);
                if (range == null) {
                    continue;
                }
                for (int t = range[0]; t <= range[1]; t++) {
                    map.computeIfAbsent(labels[j], k -> new ArrayList<>()).add(t);
                }
            }
        }
        Map<Long, int[]> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
        return new PositiveMap(out);
    }

    /**
     * The normalised positive map of {@code create_positive_map}: per label row, 1 on its tokens divided by
     * {@code (count + 1e-6)}.
     *
     * @param offsets per token its character span
     * @param spans per label its character spans
     * @param numTokens row width (256)
     * @return {@code labels x numTokens}
     */
    public static float[][] positiveMatrix(int[][] offsets, List<List<int[]>> spans, int numTokens) {
        float[][] rows = new float[spans.size()][numTokens];
        for (int j = 0; j < spans.size(); j++) {
            for (int[] span : spans.get(j)) {
                int[] range = tokenRange(offsets, span);
                if (range != null) {
                    for (int t = range[0]; t <= range[1]; t++) {
                        rows[j][t] = 1f;
                    }
                }
            }
            float sum = 0f;
            for (float v : rows[j]) {
                sum += v;
            }
            float denom = sum + 1e-6f;
            for (int t = 0; t < numTokens; t++) {
                rows[j][t] /= denom;
            }
        }
        return rows;
    }

    private static int[] tokenRange(int[][] offsets, int[] span) {
        int beg = span[0];
        int end = span[1];
        int b = charToToken(offsets, beg);
        if (b < 0) {
            b = charToToken(offsets, beg + 1);
            if (b < 0) {
                b = charToToken(offsets, beg + 2);
            }
        }
        int e = charToToken(offsets, end - 1);
        if (e < 0) {
            e = charToToken(offsets, end - 2);
            if (e < 0) {
                e = charToToken(offsets, end - 3);
            }
        }
        return b < 0 || e < 0 ? null : new int[] {b, e};
    }
}
