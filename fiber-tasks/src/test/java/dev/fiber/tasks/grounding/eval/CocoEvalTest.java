package dev.fiber.tasks.grounding.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/** COCO box AP on hand-made cases whose values follow from the definition by hand. */
class CocoEvalTest {

    private static final double EPS = 1e-12;

    private static CocoGroundTruth.Annotation gt(long id, long image, double x, double y, double w, double h) {
        return new CocoGroundTruth.Annotation(id, image, 1, new double[] {x, y, w, h}, w * h, false);
    }

    private static CocoDetection det(long image, double score, double x, double y, double w, double h) {
        return new CocoDetection(image, 1, new double[] {x, y, w, h}, score);
    }

    private static CocoGroundTruth truth(List<CocoGroundTruth.Annotation> anns, long... images) {
        List<CocoGroundTruth.Image> imgs = new ArrayList<>();
        for (long i : images) {
            imgs.add(new CocoGroundTruth.Image(i, i + ".jpg", 640, 480));
        }
        return new CocoGroundTruth(imgs, List.of(new CocoGroundTruth.Category(1, "cat")), anns);
    }

    @Test
    void perfectDetectionsGiveOneAndMaxDetsLimitsRecall() {
        // image 1: a small (20x20) and a medium (50x50) cat; image 2: a large (100x100) one
        CocoGroundTruth t = truth(List.of(gt(1, 1, 10, 10, 20, 20), gt(2, 1, 100, 100, 50, 50),
                gt(3, 2, 10, 10, 100, 100)), 1, 2);
        CocoEval.Stats s = CocoEval.evaluate(t, List.of(det(1, 0.9, 10, 10, 20, 20), det(1, 0.8, 100, 100, 50, 50),
                det(2, 0.7, 10, 10, 100, 100)));
        System.out.print(s.summary());
        // AP, AP50, AP75, APs, APm, APl = 1; AR@1: one box per image, so 2 of 3 found; AR@10, AR@100 and by size 1
        assertArrayEquals(new double[] {1, 1, 1, 1, 1, 1, 2.0 / 3, 1, 1, 1, 1, 1}, s.stats(), EPS);
    }

    @Test
    void falsePositiveRankedFirstHalvesPrecision() {
        CocoGroundTruth t = truth(List.of(gt(1, 1, 10, 10, 50, 50)), 1);
        // precision at recall 1 is 1/2, and monotone interpolation spreads it to every recall threshold
        CocoEval.Stats s = CocoEval.evaluate(t, List.of(det(1, 0.9, 300, 300, 50, 50), det(1, 0.8, 10, 10, 50, 50)));
        assertEquals(0.5, s.get("AP"), EPS);
        assertEquals(0.5, s.get("AP50"), EPS);
        assertEquals(0.5, s.get("APm"), EPS);
        assertEquals(-1, s.get("APs"), EPS); // no small ground truth: undefined
        assertEquals(-1, s.get("APl"), EPS);
        assertEquals(0, s.get("AR1"), EPS); // the single allowed detection is the false positive
        assertEquals(1, s.get("AR100"), EPS);
        // ranked after the true positive, the false positive costs nothing
        CocoEval.Stats after = CocoEval.evaluate(t, List.of(det(1, 0.9, 10, 10, 50, 50), det(1, 0.8, 300, 300, 50, 50)));
        assertEquals(1, after.get("AP"), EPS);
    }

    @Test
    void falsePositiveBetweenTwoTruePositives() {
        CocoGroundTruth t = truth(List.of(gt(1, 1, 10, 10, 50, 50), gt(2, 1, 200, 200, 50, 50)), 1);
        CocoEval.Stats s = CocoEval.evaluate(t, List.of(det(1, 0.9, 10, 10, 50, 50), det(1, 0.8, 400, 300, 50, 50),
                det(1, 0.7, 200, 200, 50, 50)));
        // recall 0.5 at precision 1 (thresholds 0.00..0.50: 51 of them), then recall 1 at precision 2/3 (50)
        double expected = (51 + 50 * (2.0 / 3)) / 101;
        assertEquals(expected, s.get("AP"), 1e-12);
        assertEquals(expected, s.get("AP75"), 1e-12);
        assertEquals(0.5, s.get("AR1"), EPS);
    }

    @Test
    void iouBetweenThresholds() {
        CocoGroundTruth t = truth(List.of(gt(1, 1, 0, 0, 100, 100)), 1);
        // IoU 0.62: a hit at thresholds 0.50, 0.55, 0.60 only
        CocoEval.Stats s = CocoEval.evaluate(t, List.of(det(1, 0.9, 0, 0, 100, 62)));
        assertEquals(0.3, s.get("AP"), EPS);
        assertEquals(1, s.get("AP50"), EPS);
        assertEquals(0, s.get("AP75"), EPS);
        assertEquals(0.3, s.get("AR100"), EPS);
    }

    @Test
    void crowdRegionsAbsorbDetections() {
        CocoGroundTruth.Annotation crowd = new CocoGroundTruth.Annotation(2, 1, 1, new double[] {200, 200, 100, 100},
                10000, true);
        CocoGroundTruth t = truth(List.of(gt(1, 1, 10, 10, 50, 50), crowd), 1);
        // two detections inside the crowd box (IoU = intersection / detection area = 1) rank first: both ignored
        List<CocoDetection> dets = List.of(det(1, 0.95, 210, 210, 30, 30), det(1, 0.93, 250, 250, 30, 30),
                det(1, 0.9, 10, 10, 50, 50));
        assertEquals(1, CocoEval.evaluate(t, dets).get("AP"), EPS);
        // the same box without the crowd flag: one true positive at rank 1 (the first), the second is a false one
        CocoGroundTruth.Annotation plain = new CocoGroundTruth.Annotation(2, 1, 1, new double[] {200, 200, 100, 100},
                10000, false);
        CocoEval.Stats s = CocoEval.evaluate(truth(List.of(gt(1, 1, 10, 10, 50, 50), plain), 1),
                List.of(det(1, 0.95, 200, 200, 100, 100), det(1, 0.93, 250, 250, 30, 30), det(1, 0.9, 10, 10, 50, 50)));
        assertEquals((51 + 50 * (2.0 / 3)) / 101, s.get("AP"), 1e-12);
    }

    @Test
    void categoriesWithoutGroundTruthAreLeftOut() {
        CocoGroundTruth t = new CocoGroundTruth(List.of(new CocoGroundTruth.Image(1, "1.jpg", 640, 480)),
                List.of(new CocoGroundTruth.Category(1, "cat"), new CocoGroundTruth.Category(2, "dog")),
                List.of(gt(1, 1, 10, 10, 50, 50)));
        CocoEval.Stats s = CocoEval.evaluate(t, List.of(det(1, 0.9, 10, 10, 50, 50),
                new CocoDetection(1, 2, new double[] {300, 300, 40, 40}, 0.99),
                new CocoDetection(1, 7, new double[] {10, 10, 50, 50}, 0.99)));
        assertEquals(1, s.get("AP"), EPS);
        assertEquals(2, s.categories());
        assertThrows(IllegalArgumentException.class, () -> CocoEval.evaluate(t, List.of(det(5, 0.9, 0, 0, 1, 1))));
        // no detections at all: AP 0 for the category with ground truth
        assertEquals(0, CocoEval.evaluate(t, List.of()).get("AP"), EPS);
    }

    @Test
    void groundTruthIdZeroNeverMatchesAsInPycocotools() {
        CocoGroundTruth t = truth(List.of(gt(0, 1, 10, 10, 50, 50)), 1);
        assertEquals(0, CocoEval.evaluate(t, List.of(det(1, 0.9, 10, 10, 50, 50))).get("AP"), EPS);
    }

    @Test
    void thresholdsAreNumpyLinspace() {
        assertEquals(0.75, CocoEval.IOU_THRS[5]);
        assertEquals(0.8999999999999999, CocoEval.IOU_THRS[8]);
        assertEquals(101, CocoEval.REC_THRS.length);
        assertEquals(0.5, CocoEval.REC_THRS[50]);
        assertEquals(0, CocoEval.searchLeft(new double[] {0.5, 0.5, 1}, 0.5));
        assertEquals(2, CocoEval.searchLeft(new double[] {0.5, 0.5, 1}, 0.51));
        assertEquals(3, CocoEval.searchLeft(new double[] {0.5, 0.5, 1}, 1.01));
    }
}
