package dev.fiber.tasks.grounding.eval;

/**
 * Intersection over union of axis-aligned boxes {@code (x1, y1, x2, y2)} with continuous areas
 * ({@code (x2 - x1) (y2 - y1)}, no +1), as the Flickr30k Entities evaluator of FIBER/MDETR computes it
 * ({@code box_iou} on original-image coordinates).
 */
public final class BoxIou {

    private BoxIou() {}

    /**
     * @param a box {@code x1, y1, x2, y2}
     * @param b box {@code x1, y1, x2, y2}
     * @return IoU in {@code [0, 1]}; 0 when the union is empty
     */
    public static double iou(double[] a, double[] b) {
        double w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
        double h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
        double inter = w * h;
        double union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
        return union > 0 ? inter / union : 0;
    }

    /**
     * The smallest box enclosing all the given boxes (the Flickr30k Entities "merged" ground truth).
     *
     * @param boxes at least one box
     * @return the enclosing box
     */
    public static double[] enclosing(java.util.List<double[]> boxes) {
        if (boxes.isEmpty()) {
            throw new IllegalArgumentException("no boxes to merge");
        }
        double[] m = boxes.get(0).clone();
        for (double[] b : boxes) {
            m[0] = Math.min(m[0], b[0]);
            m[1] = Math.min(m[1], b[1]);
            m[2] = Math.max(m[2], b[2]);
            m[3] = Math.max(m[3], b[3]);
        }
        return m;
    }
}
