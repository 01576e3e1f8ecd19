package dev.fiber.tasks.grounding.post;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The label-to-token map passed to FIBER's post-processor ({@code positive_map} of
 * {@code create_positive_map_label_to_token_from_positive_map(plus=1)}): label ids (1-based) to the token
 * positions whose probabilities are averaged into that label's score.
 *
 * @param labelToTokens labels in ascending order, each with its token indices
 */
public record PositiveMap(Map<Long, int[]> labelToTokens) {

    /** Validates and freezes the map. */
    public PositiveMap {
        TreeMap<Long, int[]> copy = new TreeMap<>();
        for (Map.Entry<Long, int[]> e : labelToTokens.entrySet()) {
            if (e.getKey() < 1) {
                throw new IllegalArgumentException("labels start at 1, got " + e.getKey());
            }
            if (e.getValue().length == 0) {
                throw new IllegalArgumentException("label " + e.getKey() + " has no tokens");
            }
            for (int t : e.getValue()) {
                if (t < 0) {
                    throw new IllegalArgumentException("label " + e.getKey() + " has negative token index " + t);
                }
            }
            copy.put(e.getKey(), e.getValue().clone());
        }
        labelToTokens = Collections.unmodifiableMap(new LinkedHashMap<>(copy));
    }

    /**
     * Builds the map from a normalised positive-map matrix (one row per label, label = row + 1): the
     * tokens of a label are the columns with a non-zero entry.
     *
     * @param rows the matrix, {@code labels x tokens}
     * @return the map
     */
    public static PositiveMap fromMatrix(float[][] rows) {
        Map<Long, int[]> m = new LinkedHashMap<>();
        for (int r = 0; r < rows.length; r++) {
            float[] row = rows[r];
            int[] cols = java.util.stream.IntStream.range(0, row.length).filter(c -> row[c] != 0f).toArray();
            m.put((long) r + 1, cols);
        }
        return new PositiveMap(m);
    }

    /**
     * @param labels ascending labels
     * @param tokens token lists, one per label
     * @return the map
     */
    public static PositiveMap of(List<Long> labels, List<int[]> tokens) {
        if (labels.size() != tokens.size()) {
            throw new IllegalArgumentException(labels.size() + " labels but " + tokens.size() + " token lists");
        }
        Map<Long, int[]> m = new LinkedHashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            m.put(labels.get(i), tokens.get(i));
        }
        return new PositiveMap(m);
    }

    /** @return the largest label id */
    public long maxLabel() {
        long max = 0;
        for (long l : labelToTokens.keySet()) {
            max = Math.max(max, l);
        }
        return max;
    }
}
