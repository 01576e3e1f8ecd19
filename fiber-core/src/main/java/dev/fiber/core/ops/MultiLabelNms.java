package dev.fiber.core.ops;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Per-label greedy non-maximum suppression with the legacy Detectron conventions, the CUDA op
 * {@code _C.ml_nms} used by FIBER's {@code boxlist_ml_nms} (ATSS post-processing).
 *
 * <ul>
 *   <li>boxes are {@code (x1, y1, x2, y2)}; widths and heights count pixels inclusively ({@code +1});
 *   <li>boxes are visited by descending score; a box suppresses every later box <b>of the same label</b>
 *       whose IoU with it is <b>strictly greater</b> than the threshold;
 *   <li>the kept indices are returned in <b>ascending</b> index order (the op sorts them), not by score.
 * </ul>
 * IoU is evaluated in float32 exactly as the kernel writes it. Ties in score keep the input order.
 */
public final class MultiLabelNms {

    private MultiLabelNms() {}

    /**
     * Runs the suppression.
     *
     * @param boxes {@code n * 4} coordinates, row-major {@code (x1, y1, x2, y2)}
     * @param scores {@code n} scores
     * @param labels {@code n} labels; boxes with different labels never suppress each other
     * @param threshold IoU threshold; a box is suppressed when IoU {@code >} threshold
     * @return the kept indices, ascending
     * @throws IllegalArgumentException if the array lengths disagree
     */
    public static int[] keep(float[] boxes, float[] scores, long[] labels, float threshold) {
        int n = scores.length;
        if (boxes.length != 4 * n || labels.length != n) {
            throw new IllegalArgumentException("nms: " + boxes.length + " box values, " + scores.length
                    + " scores and " + labels.length + " labels do not describe the same boxes");
        }
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -scores[i]));
        boolean[] removed = new boolean[n];
        boolean[] kept = new boolean[n];
        for (int a = 0; a < n; a++) {
            int i = order[a];
            if (removed[i]) {
                continue;
            }
            kept[i] = true;
            for (int b = a + 1; b < n; b++) {
                int j = order[b];
                if (!removed[j] && labels[i] == labels[j] && iou(boxes, i, j) > threshold) {
                    removed[j] = true;
                }
            }
        }
        return IntStream.range(0, n).filter(i -> kept[i]).toArray();
    }

    /**
     * Legacy IoU of boxes {@code i} and {@code j} (inclusive pixel widths), in float32.
     *
     * @param boxes {@code n * 4} coordinates
     * @param i first box
     * @param j second box
     * @return intersection over union
     */
    public static float iou(float[] boxes, int i, int j) {
        float ax1 = boxes[4 * i];
        float ay1 = boxes[4 * i + 1];
        float ax2 = boxes[4 * i + 2];
        float ay2 = boxes[4 * i + 3];
        float bx1 = boxes[4 * j];
        float by1 = boxes[4 * j + 1];
        float bx2 = boxes[4 * j + 2];
        float by2 = boxes[4 * j + 3];
        float left = Math.max(ax1, bx1);
        float right = Math.min(ax2, bx2);
        float top = Math.max(ay1, by1);
        float bottom = Math.min(ay2, by2);
        float width = Math.max(right - left + 1, 0f);
        float height = Math.max(bottom - top + 1, 0f);
        float inter = width * height;
        float areaA = (ax2 - ax1 + 1) * (ay2 - ay1 + 1);
        float areaB = (bx2 - bx1 + 1) * (by2 - by1 + 1);
        return inter / (areaA + areaB - inter);
    }
}
