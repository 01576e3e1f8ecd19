package dev.fiber.tasks.grounding.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * COCO box AP/AR, a port of {@code pycocotools.cocoeval.COCOeval} with {@code iouType="bbox"} and the
 * default parameters (what FIBER's COCO evaluation calls).
 *
 * <p>Per image and category: detections sorted by score (stable) and cut to 100; IoU of {@code [x, y, w, h]}
 * boxes with continuous areas, against a crowd box the intersection over the detection's area; ground truth
 * ignored if crowd or its {@code area} outside the size range (ranges inclusive at both ends:
 * all [0, 1e10], small [0, 32^2], medium [32^2, 96^2], large [96^2, 1e10]); greedy matching per IoU
 * threshold (0.50:0.05:0.95) in score order, each detection taking the not-yet-matched ground truth with the
 * highest IoU >= threshold, preferring non-ignored ones, crowd boxes matchable many times; detections matched
 * to ignored boxes, and unmatched ones outside the size range, are ignored. Accumulation over images per
 * category, size range and max detections (1, 10, 100): detections of all images sorted by score (stable),
 * precision made monotone from the right, then read at the 101 recall thresholds 0:0.01:1 (first position
 * whose recall reaches the threshold; 0 past the last); AP is the mean over categories and thresholds of the
 * entries that exist (categories without non-ignored ground truth are left out, -1 if none).
 *
 * <p>Faithful quirks: a match is recorded as the ground truth's id and a detection counts as matched if that
 * id is non-zero, so a ground-truth annotation with id 0 can never produce a true positive, as in pycocotools;
 * the {@code ignore} field of annotations is overridden by {@code iscrowd}.
 */
public final class CocoEval {

    /** IoU thresholds 0.50:0.05:0.95, computed as {@code numpy.linspace}. */
    static final double[] IOU_THRS = linspace(0.5, 0.95, 10);
    /** Recall thresholds 0:0.01:1. */
    static final double[] REC_THRS = linspace(0.0, 1.0, 101);
    /** Size ranges all, small, medium, large. */
    static final double[][] AREA_RNG = {{0, 1e10}, {0, 32 * 32}, {32 * 32, 96 * 96}, {96 * 96, 1e10}};
    /** Max detections per image. */
    static final int[] MAX_DETS = {1, 10, 100};

    /** Names of the 12 summary numbers, in pycocotools' order. */
    public static final List<String> STAT_NAMES = List.of("AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10",
            "AR100", "ARs", "ARm", "ARl");

    private record Det(long id, long imageId, long categoryId, double[] bbox, double area, double score) {}

    private record EvalImg(double[] dtScores, long[][] dtMatches, boolean[][] dtIgnore, boolean[] gtIgnore) {}

    private CocoEval() {}

    /**
     * Result: {@link #STAT_NAMES} values and the precision array for inspection.
     *
     * @param stats the 12 summary numbers (-1 where undefined)
     * @param images evaluated images
     * @param categories evaluated categories
     */
    public record Stats(double[] stats, int images, int categories) {
        /** @return the summary lines in pycocotools' wording */
        public String summary() {
            String[] lines = {
                "Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = %.3f",
                "Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ] = %.3f",
                "Average Precision  (AP) @[ IoU=0.75      | area=   all | maxDets=100 ] = %.3f",
                "Average Precision  (AP) @[ IoU=0.50:0.95 | area= small | maxDets=100 ] = %.3f",
                "Average Precision  (AP) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ] = %.3f",
                "Average Precision  (AP) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = %.3f",
                "Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = %.3f",
                "Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets= 10 ] = %.3f",
                "Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = %.3f",
                "Average Recall     (AR) @[ IoU=0.50:0.95 | area= small | maxDets=100 ] = %.3f",
                "Average Recall     (AR) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ] = %.3f",
                "Average Recall     (AR) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = %.3f"};
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < lines.length; i++) {
                b.append(' ').append(String.format(Locale.ROOT, lines[i], stats[i])).append('\n');
            }
            return b.toString();
        }

        /**
         * @param name one of {@link #STAT_NAMES}
         * @return its value
         */
        public double get(String name) {
            int i = STAT_NAMES.indexOf(name);
            if (i < 0) {
                throw new IllegalArgumentException("no statistic " + name + "; known: " + STAT_NAMES);
            }
            return stats[i];
        }
    }

    /**
     * Evaluates detections against the ground truth.
     *
     * @param gt ground truth (all its images and categories are evaluated)
     * @param detections results; every image id must be one of the ground truth's
     * @return the summary statistics
     * @throws IllegalArgumentException if a detection refers to an unknown image
     */
    public static Stats evaluate(CocoGroundTruth gt, List<CocoDetection> detections) {
        long[] imgIds = gt.images().stream().mapToLong(CocoGroundTruth.Image::id).distinct().sorted().toArray();
        long[] catIds = new TreeSet<>(gt.categories().stream().map(CocoGroundTruth.Category::id).toList()).stream()
                .mapToLong(Long::longValue).toArray();
        Set<Long> known = new HashSet<>();
        for (long i : imgIds) {
            known.add(i);
        }
        Map<String, List<CocoGroundTruth.Annotation>> gts = new HashMap<>();
        for (CocoGroundTruth.Annotation a : gt.annotations()) {
            gts.computeIfAbsent(key(a.imageId(), a.categoryId()), k -> new ArrayList<>()).add(a);
        }
        Map<String, List<Det>> dts = new HashMap<>();
        long nextId = 1;
        for (CocoDetection d : detections) {
            if (!known.contains(d.imageId())) {
                throw new IllegalArgumentException("results refer to image " + d.imageId()
                        + ", which is not in the ground truth");
            }
            Det det = new Det(nextId++, d.imageId(), d.categoryId(), d.bbox(), d.bbox()[2] * d.bbox()[3], d.score());
            dts.computeIfAbsent(key(d.imageId(), d.categoryId()), k -> new ArrayList<>()).add(det);
        }
        int maxDet = MAX_DETS[MAX_DETS.length - 1];
        int nA = AREA_RNG.length;
        int nI = imgIds.length;
        EvalImg[] evalImgs = new EvalImg[catIds.length * nA * nI];
        for (int k = 0; k < catIds.length; k++) {
            for (int i = 0; i < nI; i++) {
                String key = key(imgIds[i], catIds[k]);
                List<CocoGroundTruth.Annotation> g = gts.getOrDefault(key, List.of());
                List<Det> d = sortedByScore(dts.getOrDefault(key, List.of()), maxDet);
                double[][] ious = ious(d, g);
                for (int a = 0; a < nA; a++) {
                    evalImgs[k * nA * nI + a * nI + i] = evaluateImg(g, d, ious, AREA_RNG[a], maxDet);
                }
            }
        }
        int nT = IOU_THRS.length;
        int nR = REC_THRS.length;
        int nK = catIds.length;
        int nM = MAX_DETS.length;
        double[][][][][] precision = new double[nT][nR][nK][nA][nM];
        double[][][][] recall = new double[nT][nK][nA][nM];
        for (double[][][][] p : precision) {
            for (double[][][] q : p) {
                for (double[][] r : q) {
                    for (double[] s : r) {
                        Arrays.fill(s, -1);
                    }
                }
            }
        }
        for (double[][][] p : recall) {
            for (double[][] q : p) {
                for (double[] r : q) {
                    Arrays.fill(r, -1);
                }
            }
        }
        for (int k = 0; k < nK; k++) {
            for (int a = 0; a < nA; a++) {
                for (int m = 0; m < nM; m++) {
                    accumulate(evalImgs, k * nA * nI + a * nI, nI, MAX_DETS[m], precision, recall, k, a, m);
                }
            }
        }
        double[] stats = {
            summarize(precision, recall, true, -1, 0, 2),
            summarize(precision, recall, true, 0.5, 0, 2),
            summarize(precision, recall, true, 0.75, 0, 2),
            summarize(precision, recall, true, -1, 1, 2),
            summarize(precision, recall, true, -1, 2, 2),
            summarize(precision, recall, true, -1, 3, 2),
            summarize(precision, recall, false, -1, 0, 0),
            summarize(precision, recall, false, -1, 0, 1),
            summarize(precision, recall, false, -1, 0, 2),
            summarize(precision, recall, false, -1, 1, 2),
            summarize(precision, recall, false, -1, 2, 2),
            summarize(precision, recall, false, -1, 3, 2),
        };
        return new Stats(stats, nI, nK);
    }

    private static String key(long image, long category) {
        return image + "/" + category;
    }

    private static List<Det> sortedByScore(List<Det> d, int max) {
        List<Det> s = new ArrayList<>(d);
        s.sort(Comparator.comparingDouble((Det x) -> -x.score())); // stable, as mergesort
        return s.size() > max ? s.subList(0, max) : s;
    }

    /** {@code maskUtils.iou} for boxes: rows detections, columns ground truth. */
    static double[][] ious(List<Det> d, List<CocoGroundTruth.Annotation> g) {
        double[][] out = new double[d.size()][g.size()];
        for (int i = 0; i < d.size(); i++) {
            double[] db = d.get(i).bbox();
            for (int j = 0; j < g.size(); j++) {
                double[] gb = g.get(j).bbox();
                double w = Math.min(db[0] + db[2], gb[0] + gb[2]) - Math.max(db[0], gb[0]);
                if (w <= 0) {
                    continue;
                }
                double h = Math.min(db[1] + db[3], gb[1] + gb[3]) - Math.max(db[1], gb[1]);
                if (h <= 0) {
                    continue;
                }
                double inter = w * h;
                double union = g.get(j).iscrowd() ? db[2] * db[3] : db[2] * db[3] + gb[2] * gb[3] - inter;
                out[i][j] = inter / union;
            }
        }
        return out;
    }

    private static EvalImg evaluateImg(List<CocoGroundTruth.Annotation> gtIn, List<Det> dt, double[][] iousIn,
            double[] aRng, int maxDet) {
        if (gtIn.isEmpty() && dt.isEmpty()) {
            return null;
        }
        int g0 = gtIn.size();
        boolean[] ignore0 = new boolean[g0];
        for (int j = 0; j < g0; j++) {
            CocoGroundTruth.Annotation g = gtIn.get(j);
            ignore0[j] = g.iscrowd() || g.area() < aRng[0] || g.area() > aRng[1];
        }
        // non-ignored ground truth first, order otherwise kept (mergesort)
        Integer[] order = new Integer[g0];
        for (int j = 0; j < g0; j++) {
            order[j] = j;
        }
        Arrays.sort(order, Comparator.comparingInt(j -> ignore0[j] ? 1 : 0));
        int nD = Math.min(dt.size(), maxDet);
        int nT = IOU_THRS.length;
        boolean[] gtIg = new boolean[g0];
        boolean[] crowd = new boolean[g0];
        long[] gtIds = new long[g0];
        for (int j = 0; j < g0; j++) {
            gtIg[j] = ignore0[order[j]];
            crowd[j] = gtIn.get(order[j]).iscrowd();
            gtIds[j] = gtIn.get(order[j]).id();
        }
        long[][] gtm = new long[nT][g0];
        long[][] dtm = new long[nT][nD];
        boolean[][] dtIg = new boolean[nT][nD];
        if (nD > 0 && g0 > 0) {
            for (int t = 0; t < nT; t++) {
                for (int di = 0; di < nD; di++) {
                    double iou = Math.min(IOU_THRS[t], 1 - 1e-10);
                    int m = -1;
                    for (int gi = 0; gi < g0; gi++) {
                        if (gtm[t][gi] > 0 && !crowd[gi]) {
                            continue;
                        }
                        if (m > -1 && !gtIg[m] && gtIg[gi]) {
                            break;
                        }
                        double v = iousIn[di][order[gi]];
                        if (v < iou) {
                            continue;
                        }
                        iou = v;
                        m = gi;
                    }
                    if (m == -1) {
                        continue;
                    }
                    dtIg[t][di] = gtIg[m];
                    dtm[t][di] = gtIds[m];
                    gtm[t][m] = dt.get(di).id();
                }
            }
        }
        double[] scores = new double[nD];
        for (int di = 0; di < nD; di++) {
            Det d = dt.get(di);
            scores[di] = d.score();
            boolean outside = d.area() < aRng[0] || d.area() > aRng[1];
            for (int t = 0; t < nT; t++) {
                dtIg[t][di] = dtIg[t][di] || (dtm[t][di] == 0 && outside);
            }
        }
        return new EvalImg(scores, dtm, dtIg, gtIg);
    }

    private static void accumulate(EvalImg[] evalImgs, int offset, int nI, int maxDet, double[][][][][] precision,
            double[][][][] recall, int k, int a, int m) {
        List<EvalImg> e = new ArrayList<>();
        for (int i = 0; i < nI; i++) {
            if (evalImgs[offset + i] != null) {
                e.add(evalImgs[offset + i]);
            }
        }
        if (e.isEmpty()) {
            return;
        }
        int total = 0;
        for (EvalImg x : e) {
            total += Math.min(maxDet, x.dtScores().length);
        }
        double[] scores = new double[total];
        int[] src = new int[total];
        int[] col = new int[total];
        int n = 0;
        for (int ei = 0; ei < e.size(); ei++) {
            EvalImg x = e.get(ei);
            for (int d = 0; d < Math.min(maxDet, x.dtScores().length); d++) {
                scores[n] = x.dtScores()[d];
                src[n] = ei;
                col[n] = d;
                n++;
            }
        }
        Integer[] inds = new Integer[total];
        for (int i = 0; i < total; i++) {
            inds[i] = i;
        }
        Arrays.sort(inds, Comparator.comparingDouble(i -> -scores[i])); // stable, as mergesort
        int npig = 0;
        for (EvalImg x : e) {
            for (boolean ig : x.gtIgnore()) {
                if (!ig) {
                    npig++;
                }
            }
        }
        if (npig == 0) {
            return;
        }
        int nT = IOU_THRS.length;
        int nR = REC_THRS.length;
        for (int t = 0; t < nT; t++) {
            double[] rc = new double[total];
            double[] pr = new double[total];
            double tp = 0;
            double fp = 0;
            for (int i = 0; i < total; i++) {
                int j = inds[i];
                EvalImg x = e.get(src[j]);
                boolean matched = x.dtMatches()[t][col[j]] != 0;
                boolean ignored = x.dtIgnore()[t][col[j]];
                if (matched && !ignored) {
                    tp++;
                } else if (!matched && !ignored) {
                    fp++;
                }
                rc[i] = tp / npig;
                pr[i] = tp / (fp + tp + Math.ulp(1.0));
            }
            recall[t][k][a][m] = total > 0 ? rc[total - 1] : 0;
            for (int i = total - 1; i > 0; i--) {
                if (pr[i] > pr[i - 1]) {
                    pr[i - 1] = pr[i];
                }
            }
            for (int r = 0; r < nR; r++) {
                int pi = searchLeft(rc, REC_THRS[r]);
                precision[t][r][k][a][m] = pi < total ? pr[pi] : 0;
            }
        }
    }

    /** {@code numpy.searchsorted(a, v, side="left")} on a non-decreasing array. */
    static int searchLeft(double[] a, double v) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static double summarize(double[][][][][] precision, double[][][][] recall, boolean ap, double iouThr,
            int a, int m) {
        double sum = 0;
        long count = 0;
        for (int t = 0; t < IOU_THRS.length; t++) {
            if (iouThr >= 0 && IOU_THRS[t] != iouThr) {
                continue;
            }
            if (ap) {
                for (double[][][] byK : precision[t]) { // over recall thresholds
                    for (double[][] byA : byK) { // over categories
                        double v = byA[a][m];
                        if (v > -1) {
                            sum += v;
                            count++;
                        }
                    }
                }
            } else {
                for (double[][] byA : recall[t]) {
                    double v = byA[a][m];
                    if (v > -1) {
                        sum += v;
                        count++;
                    }
                }
            }
        }
        return count == 0 ? -1 : sum / count;
    }

    /** {@code numpy.linspace(start, stop, num)}: {@code start + i * step}, the last value exactly {@code stop}. */
    static double[] linspace(double start, double stop, int num) {
        double step = (stop - start) / (num - 1);
        double[] v = new double[num];
        for (int i = 0; i < num; i++) {
            v[i] = i * step + start;
        }
        v[num - 1] = stop;
        return v;
    }
}
