package dev.fiber.tasks.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Image-text retrieval recall@K from a similarity matrix, the metric of FIBER's
 * {@code objectives.compute_itc_recall} / {@code compute_itm_recall} (reported as IR@1/5/10 and TR@1/5/10).
 *
 * <p>{@code scores[i][j]} is the similarity of image {@code i} and text {@code j}; {@code imageIds[i]} is
 * image {@code i}'s id and {@code textImageIds[j]} the id of the image text {@code j} describes (for the
 * Karpathy COCO / Flickr30k test splits: 5 captions per image, see {@link #captionsPerImage}).
 * <ul>
 *   <li><b>TR@K</b> (image → text): fraction of images for which at least one of the K best-scoring texts
 *       describes that image.</li>
 *   <li><b>IR@K</b> (text → image): fraction of texts for which one of the K best-scoring images is
 *       theirs.</li>
 * </ul>
 * Ranking ties are broken by the lower index (a stable descending sort); {@code torch.topk} leaves the order
 * of exactly equal scores unspecified, so results can differ from the official ones only on exact ties.
 * Computed without sorting: the rank of the best correct candidate is the number of candidates that come
 * before it, and a hit at K means rank &lt; K.
 *
 * @param textRetrievalRanks  per image, 0-based rank of the first correct text ({@code Integer.MAX_VALUE}
 *                            if the image has no text)
 * @param imageRetrievalRanks per text, 0-based rank of its image ({@code Integer.MAX_VALUE} if its image id
 *                            is not among the images)
 */
public record RetrievalRecall(int[] textRetrievalRanks, int[] imageRetrievalRanks) {

    /**
     * Computes the ranks.
     *
     * @param scores       row-major [numImages][numTexts] similarities
     * @param numImages    number of rows
     * @param numTexts     number of columns
     * @param imageIds     id of each image (row)
     * @param textImageIds image id of each text (column)
     * @return the ranks
     * @throws IllegalArgumentException on size mismatch or a NaN score
     */
    public static RetrievalRecall compute(float[] scores, int numImages, int numTexts, long[] imageIds,
            long[] textImageIds) {
        if ((long) numImages * numTexts != scores.length) {
            throw new IllegalArgumentException("scores has " + scores.length + " values, not " + numImages + " x "
                    + numTexts);
        }
        if (imageIds.length != numImages || textImageIds.length != numTexts) {
            throw new IllegalArgumentException("got " + imageIds.length + " image ids for " + numImages
                    + " images and " + textImageIds.length + " text image ids for " + numTexts + " texts");
        }
        for (int k = 0; k < scores.length; k++) {
            if (Float.isNaN(scores[k])) {
                throw new IllegalArgumentException("NaN similarity at image " + (k / numTexts) + ", text "
                        + (k % numTexts));
            }
        }
        Map<Long, List<Integer>> textsOfImage = new HashMap<>();
        for (int j = 0; j < numTexts; j++) {
            textsOfImage.computeIfAbsent(textImageIds[j], id -> new ArrayList<>()).add(j);
        }
        Map<Long, List<Integer>> rowsOfImage = new HashMap<>();
        for (int i = 0; i < numImages; i++) {
            rowsOfImage.computeIfAbsent(imageIds[i], id -> new ArrayList<>()).add(i);
        }
        int[] tr = new int[numImages];
        for (int i = 0; i < numImages; i++) {
            int row = i * numTexts;
            int best = -1;
            for (int j : textsOfImage.getOrDefault(imageIds[i], List.of())) {
                if (best < 0 || scores[row + j] > scores[row + best]) {
                    best = j;
                }
            }
            if (best < 0) {
                tr[i] = Integer.MAX_VALUE;
                continue;
            }
            float s = scores[row + best];
            int rank = 0;
            for (int j = 0; j < numTexts; j++) {
                float v = scores[row + j];
                if (v > s || (v == s && j < best)) {
                    rank++;
                }
            }
            tr[i] = rank;
        }
        // image retrieval: the best correct row of each column first, then one row-major pass
        int[] bestRow = new int[numTexts];
        float[] bestScore = new float[numTexts];
        for (int j = 0; j < numTexts; j++) {
            int best = -1;
            for (int i : rowsOfImage.getOrDefault(textImageIds[j], List.of())) {
                if (best < 0 || scores[i * numTexts + j] > scores[best * numTexts + j]) {
                    best = i;
                }
            }
            bestRow[j] = best;
            bestScore[j] = best < 0 ? Float.NaN : scores[best * numTexts + j];
        }
        int[] ir = new int[numTexts];
        for (int i = 0; i < numImages; i++) {
            int row = i * numTexts;
            for (int j = 0; j < numTexts; j++) {
                float v = scores[row + j];
                if (v > bestScore[j] || (v == bestScore[j] && i < bestRow[j])) {
                    ir[j]++;
                }
            }
        }
        for (int j = 0; j < numTexts; j++) {
            if (bestRow[j] < 0) {
                ir[j] = Integer.MAX_VALUE;
            }
        }
        return new RetrievalRecall(tr, ir);
    }

    /**
     * The Karpathy-split layout: text {@code j} describes image {@code j / captionsPerImage}, image ids are
     * the row indices.
     *
     * @param numImages        number of images
     * @param captionsPerImage captions per image (5 for COCO and Flickr30k)
     * @return the image id of each text
     */
    public static long[] captionsPerImage(int numImages, int captionsPerImage) {
        long[] ids = new long[numImages * captionsPerImage];
        for (int j = 0; j < ids.length; j++) {
            ids[j] = j / captionsPerImage;
        }
        return ids;
    }

    /**
     * @param n number of images
     * @return ids 0..n-1
     */
    public static long[] range(int n) {
        long[] ids = new long[n];
        Arrays.setAll(ids, i -> i);
        return ids;
    }

    /**
     * @param k cut-off (≥ 1)
     * @return TR@k: fraction of images with a correct text in their top k
     */
    public double textRecallAt(int k) {
        return hitRate(textRetrievalRanks, k);
    }

    /**
     * @param k cut-off (≥ 1)
     * @return IR@k: fraction of texts whose image is in their top k
     */
    public double imageRecallAt(int k) {
        return hitRate(imageRetrievalRanks, k);
    }

    private static double hitRate(int[] ranks, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("recall cut-off must be >= 1, got " + k);
        }
        if (ranks.length == 0) {
            return Double.NaN;
        }
        long hits = Arrays.stream(ranks).filter(r -> r < k).count();
        return (double) hits / ranks.length;
    }

    @Override
    public String toString() {
        return String.format("IR@1 %.4f IR@5 %.4f IR@10 %.4f | TR@1 %.4f TR@5 %.4f TR@10 %.4f",
                imageRecallAt(1), imageRecallAt(5), imageRecallAt(10), textRecallAt(1), textRecallAt(5),
                textRecallAt(10));
    }
}
