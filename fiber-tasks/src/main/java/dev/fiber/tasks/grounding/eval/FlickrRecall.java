package dev.fiber.tasks.grounding.eval;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Recall@k of phrase grounding on Flickr30k Entities, as FIBER's {@code Flickr30kEntitiesRecallEvaluator}
 * (from MDETR) computes it: for each phrase, the predicted boxes of its label ranked by score; the phrase is
 * a hit at k if one of the first k boxes has IoU >= the threshold (0.5) with a ground-truth box
 * ({@link GtBoxMode#SEPARATE}: any of the phrase's boxes; {@link GtBoxMode#MERGED}: their enclosing box).
 * A phrase without predictions is a miss. The "upper bound" uses all predicted boxes. Only the "all"
 * category is kept (see {@link FlickrEntities}).
 */
public final class FlickrRecall {

    private final int[] ks;
    private final double threshold;
    private final GtBoxMode mode;
    private final long[] hits;
    private long upperHits;
    private long phrases;
    private long sentences;

    /**
     * @param ks the k of recall@k (FIBER: 1, 5, 10)
     * @param threshold IoU threshold (0.5)
     * @param mode how a phrase's boxes are scored
     */
    public FlickrRecall(int[] ks, double threshold, GtBoxMode mode) {
        for (int k : ks) {
            if (k <= 0) {
                throw new IllegalArgumentException("recall@k needs k > 0, got " + k);
            }
        }
        this.ks = ks.clone();
        this.threshold = threshold;
        this.mode = mode;
        this.hits = new long[ks.length];
    }

    /**
     * Scores one sentence.
     *
     * @param sentence the sentence with its ground truth
     * @param ranked per phrase (in the sentence's order), the predicted boxes by descending score
     * @throws IllegalArgumentException if the number of phrases differs
     */
    public void add(FlickrSentence sentence, List<List<double[]>> ranked) {
        List<FlickrPhrase> ps = sentence.phrases();
        if (ranked.size() != ps.size()) {
            throw new IllegalArgumentException("got predictions for " + ranked.size() + " phrases, expected "
                    + ps.size() + " for sentence " + sentence.sentenceId() + " of image " + sentence.originalImageId());
        }
        for (int i = 0; i < ps.size(); i++) {
            List<double[]> gts = mode == GtBoxMode.MERGED ? List.of(BoxIou.enclosing(ps.get(i).boxes()))
                    : ps.get(i).boxes();
            List<double[]> preds = ranked.get(i);
            // rank of the first predicted box that hits (a box at 0-based rank r counts for every k > r)
            int first = -1;
            for (int r = 0; r < preds.size() && first < 0; r++) {
                for (double[] g : gts) {
                    if (BoxIou.iou(preds.get(r), g) >= threshold) {
                        first = r;
                        break;
                    }
                }
            }
            for (int j = 0; j < ks.length; j++) {
                if (first >= 0 && first < ks[j]) {
                    hits[j]++;
                }
            }
            if (first >= 0) {
                upperHits++;
            }
            phrases++;
        }
        sentences++;
    }

    /** @return evaluated phrases */
    public long phrases() {
        return phrases;
    }

    /** @return evaluated sentences */
    public long sentences() {
        return sentences;
    }

    /**
     * @param k one of the constructor's k
     * @return recall@k (0 before any phrase)
     */
    public double recall(int k) {
        for (int j = 0; j < ks.length; j++) {
            if (ks[j] == k) {
                return phrases == 0 ? 0 : (double) hits[j] / phrases;
            }
        }
        throw new IllegalArgumentException("recall@" + k + " is not tracked (" + Arrays.toString(ks) + ")");
    }

    /** @return the recall with all predicted boxes ({@code Upper_bound}) */
    public double upperBound() {
        return phrases == 0 ? 0 : (double) upperHits / phrases;
    }

    /** @return {@code Recall@k_all} for each k and {@code Upper_bound_all}, FIBER's result names */
    public Map<String, Double> results() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int k : ks) {
            m.put("Recall@" + k + "_all", recall(k));
        }
        m.put("Upper_bound_all", upperBound());
        return m;
    }

    /** @return a one-line summary */
    public String summary() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%d phrases in %d sentences (%s boxes, IoU >= %.2f):",
                phrases, sentences, mode == GtBoxMode.MERGED ? "merged" : "separate", threshold));
        for (int k : ks) {
            b.append(String.format(Locale.ROOT, " R@%d %.4f", k, recall(k)));
        }
        return b.append(String.format(Locale.ROOT, " upper bound %.4f", upperBound())).toString();
    }
}
