package dev.fiber.tasks.grounding;

import dev.fiber.core.text.CharSpan;
import dev.fiber.core.text.FiberTokenizer;
import dev.fiber.core.text.PositiveMap;
import dev.fiber.tasks.grounding.post.LabelTokens;

import java.util.ArrayList;
import java.util.List;

/**
 * Captions and label-to-token maps for grounding and detection, as FIBER builds them.
 *
 * <ul>
 *   <li>{@link #detectionPrompt}: {@code create_queries_and_maps} — category names cleaned
 *       ({@code clean_name}: drop {@code (...)}, {@code _} to space, double spaces to one) and joined with
 *       {@code DATASETS.SEPARATION_TOKENS} ({@code ". "}), one character span per category;</li>
 *   <li>{@link #labelTokens}: the spans mapped to tokens by the tokenizer's positive map
 *       ({@link PositiveMap}, {@code create_positive_map}) and keyed by label id
 *       ({@code create_positive_map_label_to_token_from_positive_map}).</li>
 * </ul>
 */
public final class GroundingPrompts {

    private GroundingPrompts() {}

    /**
     * A caption with one or more character spans per label.
     *
     * @param caption the text given to the tokenizer
     * @param spans per label (in label order), its character spans
     */
    public record Prompt(String caption, List<List<CharSpan>> spans) {}

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
        List<List<CharSpan>> spans = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            int start = sb.length();
            sb.append(cleanName(names.get(i)));
            spans.add(List.of(new CharSpan(start, sb.length())));
            if (i != names.size() - 1) {
                sb.append(separator);
            }
        }
        return new Prompt(sb.toString(), spans);
    }

    /**
     * Maps each label's spans to caption tokens.
     *
     * @param tokenizer the roberta-base tokenizer (fine-grained flavour is used)
     * @param prompt caption and spans
     * @param labels label id of each span list (grounding: 1, 2, ...; detection: category ids)
     * @param width token columns ({@code MAX_QUERY_LEN}, 256)
     * @return label to tokens (a label whose spans hit no token gets an empty list and never scores)
     */
    public static LabelTokens labelTokens(FiberTokenizer tokenizer, Prompt prompt, long[] labels, int width) {
        if (labels.length != prompt.spans().size()) {
            throw new IllegalArgumentException(labels.length + " labels for " + prompt.spans().size() + " span lists");
        }
        float[][] rows = tokenizer.positiveMap(prompt.caption(), prompt.spans(), width);
        return LabelTokens.fromMatrix(rows, labels);
    }
}
