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
 * <p>A label may have no tokens (its caption span matched none); it then never scores, as in FIBER where
 * its mean over an empty token set is NaN and fails the threshold.
 *
 * @param labelToTokens labels in ascending order, each with its token indices
 */
public record LabelTokens(Map<Long, int[]> labelToTokens) {

    /** Validates and freezes the map. */
    public LabelTokens {
        TreeMap<Long, int[]> copy = new TreeMap<>();
        for (Map.Entry<Long, int[]> e : labelToTokens.entrySet()) {
            if (e.getKey() < 1) {
                throw new IllegalArgumentException("labels start at 1, got " + e.getKey());
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
    public static LabelTokens fromMatrix(float[][] rows) {
        long[] labels = new long[rows.length];
        for (int r = 0; r < rows.length; r++) {
            labels[r] = r + 1;
        }
        return fromMatrix(rows, labels);
    }

    /**
     * Builds the map from a positive-map matrix with one label id per row.
     *
     * @param rows the matrix, {@code labels x tokens}
     * @param labels label id of each row (distinct)
     * @return the map
     */
    public static LabelTokens fromMatrix(float[][] rows, long[] labels) {
        if (labels.length != rows.length) {
            throw new IllegalArgumentException(labels.length + " label ids for " + rows.length + " rows");
        }
        Map<Long, int[]> m = new LinkedHashMap<>();
        for (int r = 0; r < rows.length; r++) {
            float[] row = rows[r];
            int[] cols = java.util.stream.IntStream.range(0, row.length).filter(c -> row[c] != 0f).toArray();
            if (m.put(labels[r], cols) != null) {
                throw new IllegalArgumentException("label " + labels[r] + " appears twice");
            }
        }
        return new LabelTokens(m);
    }

    /**
     * @param labels ascending labels
     * @param tokens token lists, one per label
     * @return the map
     */
    public static LabelTokens of(List<Long> labels, List<int[]> tokens) {
        if (labels.size() != tokens.size()) {
            throw new IllegalArgumentException(labels.size() + " labels but " + tokens.size() + " token lists");
        }
        Map<Long, int[]> m = new LinkedHashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            m.put(labels.get(i), tokens.get(i));
        }
        return new LabelTokens(m);
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
