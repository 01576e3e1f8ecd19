package dev.fiber.tasks.grounding.post;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fiber.core.ops.MultiLabelNms;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * FIBER's grounding post-processing ({@code ATSSPostProcessor} of {@code rpn/inference.py} with
 * dot-product logits, {@code SCORE_AGG = MEAN}).
 *
 * <p>Per level: token probabilities {@code sigmoid(logits)}; the score of label {@code j} at an anchor is
 * the mean probability of its tokens (other label columns are 0); candidates are the (anchor, label)
 * entries with score {@code > INFERENCE_TH}; they are ranked by {@code score * sigmoid(centerness)} and at
 * most {@code PRE_NMS_TOP_N} are kept; their boxes are decoded ({@link BoxCoder}) and clipped to the
 * unpadded image ({@code [0, w-1] x [0, h-1]}); the detection score is {@code sqrt(score * centerness)}.
 * Levels are concatenated, reduced by the per-label legacy NMS ({@link MultiLabelNms}, kept in
 * concatenation order), and if more than {@code DETECTIONS_PER_IMG} remain, those with a score at least
 * the {@code (n - K + 1)}-th smallest are kept (ties may keep more), order unchanged.
 *
 * <p>The official per-level selection uses {@code topk(sorted=False)}, whose order is unspecified; here
 * the kept candidates of a level are in descending order of {@code score * centerness}. Sets, scores and
 * boxes are unaffected.
 */
public final class AtssPostProcessor {

    private final PostProcessConfig config;

    /** @param config thresholds and limits */
    public AtssPostProcessor(PostProcessConfig config) {
        this.config = config;
    }

    /**
     * Detections at the three stages of the post-processing.
     *
     * @param preNms all levels' kept candidates, concatenated (level order)
     * @param postNms after the per-label NMS (concatenation order)
     * @param detections after the {@code DETECTIONS_PER_IMG} cut: the model output
     */
    public record Result(Detections preNms, Detections postNms, Detections detections) {}

    /**
     * Post-processes one image of the batch.
     *
     * @param bboxReg per level {@code (B, 4, H, W)}
     * @param centerness per level {@code (B, 1, H, W)} logits
     * @param dotLogits per level {@code (B, H*W, T)}
     * @param anchors per level anchors {@code H*W x 4} (xyxy, row-major)
     * @param map label to token indices
     * @param numClasses label columns (labels above it are an error, as in FIBER)
     * @param batchIndex which image
     * @param imageH unpadded resized image height
     * @param imageW unpadded resized image width
     * @return detections before NMS, after NMS and final
     */
    public Result process(List<NDArray> bboxReg, List<NDArray> centerness, List<NDArray> dotLogits,
            List<float[]> anchors, LabelTokens map, long numClasses, int batchIndex, int imageH, int imageW) {
        if (map.maxLabel() > numClasses) {
            throw new IllegalArgumentException("label " + map.maxLabel() + " exceeds the model's " + numClasses
                    + " label columns");
        }
        List<Detections> levels = new ArrayList<>();
        for (int l = 0; l < bboxReg.size(); l++) {
            levels.add(level(bboxReg.get(l), centerness.get(l), dotLogits.get(l), anchors.get(l), map,
                    batchIndex, imageH, imageW));
        }
        Detections pre = Detections.concat(levels);
        Detections post = pre.select(MultiLabelNms.keep(pre.boxes(), pre.scores(), pre.labels(), config.nmsThreshold()));
        return new Result(pre, post, cut(post, config.detectionsPerImage()));
    }

    private Detections level(NDArray reg, NDArray ctr, NDArray logits, float[] anchors, LabelTokens map,
            int b, int imageH, int imageW) {
        Shape ls = logits.getShape();
        long numTokens = ls.get(2);
        int hw = (int) ls.get(1);
        if (anchors.length != 4 * hw) {
            throw new IllegalArgumentException(anchors.length / 4 + " anchors for " + hw + " locations");
        }
        NDManager m = logits.getManager();
        int numLabels = map.labelToTokens().size();
        long[] labelIds = new long[numLabels];
        float[][] labelScores = new float[numLabels][];
        try (NDArray image = logits.get(b); NDArray prob = image.getNDArrayInternal().sigmoid()) {
            int j = 0;
            for (Map.Entry<Long, int[]> e : map.labelToTokens().entrySet()) {
                labelIds[j] = e.getKey();
                if (e.getValue().length == 0) {
                    labelScores[j++] = new float[hw]; // no tokens: never above the threshold
                    continue;
                }
                for (int t : e.getValue()) {
                    if (t >= numTokens) {
                        throw new IllegalArgumentException("label " + e.getKey() + " uses token " + t
                                + " but the text has " + numTokens + " tokens");
                    }
                }
                long[] cols = Arrays.stream(e.getValue()).asLongStream().toArray();
                try (NDArray idx = m.create(cols);
                        NDArray picked = prob.get(":, {}", idx);
                        NDArray mean = picked.mean(new int[] {1})) {
                    labelScores[j++] = mean.toFloatArray();
                }
            }
        }
        float[] centers;
        float[] deltas;
        try (NDArray c = ctr.get(b); NDArray cs = c.getNDArrayInternal().sigmoid();
                NDArray r = reg.get(b); NDArray rr = r.reshape(4, hw); NDArray rt = rr.transpose()) {
            centers = cs.toFloatArray();
            deltas = rt.toFloatArray();
        }
        // candidates in (anchor, label) row-major order
        List<Candidate> cand = new ArrayList<>();
        for (int a = 0; a < hw; a++) {
            for (int j = 0; j < numLabels; j++) {
                float s = labelScores[j][a];
                if (s > config.inferenceThreshold()) {
                    cand.add(new Candidate(a, j, s * centers[a]));
                }
            }
        }
        int keep = Math.min(cand.size(), config.preNmsTopN());
        cand.sort(Comparator.comparingDouble((Candidate c) -> -c.value()));
        float[] boxes = new float[4 * keep];
        float[] scores = new float[keep];
        long[] labels = new long[keep];
        for (int i = 0; i < keep; i++) {
            Candidate c = cand.get(i);
            int a = c.anchor();
            BoxCoder.decode(deltas, 4 * a, anchors, 4 * a, boxes, 4 * i);
            boxes[4 * i] = clamp(boxes[4 * i], imageW - 1);
            boxes[4 * i + 1] = clamp(boxes[4 * i + 1], imageH - 1);
            boxes[4 * i + 2] = clamp(boxes[4 * i + 2], imageW - 1);
            boxes[4 * i + 3] = clamp(boxes[4 * i + 3], imageH - 1);
            scores[i] = (float) Math.sqrt(c.value());
            labels[i] = labelIds[c.label()];
        }
        return new Detections(boxes, scores, labels);
    }

    /** One (anchor, label) entry above the threshold, valued {@code score * centerness}. */
    private record Candidate(int anchor, int label, float value) {}

    private static float clamp(float v, float max) {
        return Math.min(Math.max(v, 0f), max);
    }

    /**
     * The {@code DETECTIONS_PER_IMG} cut: keeps boxes whose score is at least the {@code (n - k + 1)}-th
     * smallest score, in their current order.
     *
     * @param d detections
     * @param k limit (no cut if {@code k <= 0} or {@code n <= k})
     * @return kept detections
     */
    public static Detections cut(Detections d, int k) {
        int n = d.size();
        if (k <= 0 || n <= k) {
            return d;
        }
        float[] sorted = d.scores().clone();
        Arrays.sort(sorted);
        float threshold = sorted[n - k];
        return d.select(IntStream.range(0, n).filter(i -> d.scores()[i] >= threshold).toArray());
    }
}
