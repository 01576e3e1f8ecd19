package dev.fiber.core.text;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The phrase-to-token "positive map" of fine-grained FIBER (GLIP/MDETR code:
 * {@code create_positive_map} in {@code data/datasets/modulated_coco.py} and
 * {@code engine/predictor_FIBER.py}, {@code create_positive_map_label_to_token_from_positive_map} in
 * {@code engine/inference.py}). It tells the grounding head which caption tokens belong to which label.
 */
public final class PositiveMap {

    private PositiveMap() {}

    /**
     * Builds the normalised positive map. For every span {@code [beg, end)} of label {@code j}: the first
     * token is the one containing character {@code beg} (else {@code beg+1}, else {@code beg+2}), the last
     * the one containing {@code end-1} (else {@code end-2}, else {@code end-3}); a span whose first or
     * last token cannot be found is skipped; tokens {@code first..last} get 1 (columns {@code >= width}
     * are dropped). Each row is then divided by {@code (row sum + 1e-6)} in float32, as the official
     * code does.
     *
     * @param encoding the (unpadded, untruncated) encoding of the caption, with offsets
     * @param spans    per label its character spans in the caption ({@code tokens_positive})
     * @param width    number of token columns (256 in FIBER)
     * @return {@code spans.size() x width}
     */
    public static float[][] build(Encoding encoding, List<? extends List<CharSpan>> spans, int width) {
        Objects.requireNonNull(encoding, "encoding");
        Objects.requireNonNull(spans, "spans");
        if (width <= 0) {
            throw new IllegalArgumentException("positive map width must be > 0, got " + width);
        }
        float[][] map = new float[spans.size()][width];
        for (int j = 0; j < spans.size(); j++) {
            List<CharSpan> list = Objects.requireNonNull(spans.get(j), "spans of label index " + j);
            for (CharSpan s : list) {
                int beg = charToToken(encoding, s.begin());
                if (beg < 0) {
                    beg = charToToken(encoding, s.begin() + 1);
                    if (beg < 0) {
                        beg = charToToken(encoding, s.begin() + 2);
                    }
                }
                int end = charToToken(encoding, s.end() - 1);
                if (end < 0) {
                    end = charToToken(encoding, s.end() - 2);
                    if (end < 0) {
                        end = charToToken(encoding, s.end() - 3);
                    }
                }
                if (beg < 0 || end < 0) {
                    continue;
                }
                for (int t = beg; t <= end && t < width; t++) {
                    map[j][t] = 1f;
                }
            }
            float sum = 0f;
            for (int t = 0; t < width; t++) {
                sum += map[j][t];
            }
            float denom = sum + 1e-6f;
            for (int t = 0; t < width; t++) {
                map[j][t] = map[j][t] / denom;
            }
        }
        return map;
    }

    private static int charToToken(Encoding e, int charIndex) {
        return charIndex < 0 ? -1 : e.charToToken(charIndex);
    }

    /**
     * The label -> token-positions dictionary FIBER's predictor passes to the grounding head
     * ({@code create_positive_map_label_to_token_from_positive_map}): for row {@code i}, key
     * {@code i + plus}, value the positions with a non-zero weight, ascending.
     *
     * @param positiveMap the map from {@link #build}
     * @param plus        label offset (1 for the VLDyHead, whose labels start at 1)
     * @return ordered map label -> token positions
     */
    public static Map<Integer, int[]> labelToTokens(float[][] positiveMap, int plus) {
        Map<Integer, int[]> out = new LinkedHashMap<>();
        for (int i = 0; i < positiveMap.length; i++) {
            float[] row = positiveMap[i];
            int n = 0;
            for (float v : row) {
                if (v != 0f) {
                    n++;
                }
            }
            int[] idx = new int[n];
            n = 0;
            for (int t = 0; t < row.length; t++) {
                if (row[t] != 0f) {
                    idx[n++] = t;
                }
            }
            out.put(i + plus, idx);
        }
        return out;
    }
}
