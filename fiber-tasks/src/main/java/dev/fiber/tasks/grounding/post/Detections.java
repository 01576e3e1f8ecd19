package dev.fiber.tasks.grounding.post;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * A set of detected boxes for one image.
 *
 * @param boxes {@code n * 4} xyxy coordinates, row-major
 * @param scores {@code n} scores
 * @param labels {@code n} labels (1-based label ids of the positive map)
 */
public record Detections(float[] boxes, float[] scores, long[] labels) {

    /** Validates the lengths. */
    public Detections {
        if (boxes.length != 4 * scores.length || labels.length != scores.length) {
            throw new IllegalArgumentException("detections: " + boxes.length + " box values, " + scores.length
                    + " scores, " + labels.length + " labels");
        }
    }

    /** @return number of boxes */
    public int size() {
        return scores.length;
    }

    /**
     * @param indices rows to keep, in the order given
     * @return the selected detections
     */
    public Detections select(int[] indices) {
        float[] b = new float[indices.length * 4];
        float[] s = new float[indices.length];
        long[] l = new long[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(boxes, 4 * indices[i], b, 4 * i, 4);
            s[i] = scores[indices[i]];
            l[i] = labels[indices[i]];
        }
        return new Detections(b, s, l);
    }

    /** @return the detections sorted by descending score (stable) */
    public Detections sortedByScore() {
        int[] order = IntStream.range(0, size()).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -scores[i])).mapToInt(Integer::intValue).toArray();
        return select(order);
    }

    /**
     * Rescales boxes from the resized image to another size (the demo's {@code BoxList.resize}: pure
     * per-axis scaling, no +1).
     *
     * @param fromH resized image height
     * @param fromW resized image width
     * @param toH target height
     * @param toW target width
     * @return rescaled detections
     */
    public Detections rescaled(int fromH, int fromW, int toH, int toW) {
        float rw = (float) ((double) toW / fromW);
        float rh = (float) ((double) toH / fromH);
        float[] b = boxes.clone();
        for (int i = 0; i < size(); i++) {
            b[4 * i] *= rw;
            b[4 * i + 1] *= rh;
            b[4 * i + 2] *= rw;
            b[4 * i + 3] *= rh;
        }
        return new Detections(b, scores.clone(), labels.clone());
    }

    /**
     * Concatenates detection sets in order.
     *
     * @param parts the sets
     * @return all boxes
     */
    public static Detections concat(Iterable<Detections> parts) {
        int n = 0;
        for (Detections d : parts) {
            n += d.size();
        }
        float[] b = new float[4 * n];
        float[] s = new float[n];
        long[] l = new long[n];
        int k = 0;
        for (Detections d : parts) {
            System.arraycopy(d.boxes, 0, b, 4 * k, 4 * d.size());
            System.arraycopy(d.scores, 0, s, k, d.size());
            System.arraycopy(d.labels, 0, l, k, d.size());
            k += d.size();
        }
        return new Detections(b, s, l);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Detections[" + size() + "]");
        for (int i = 0; i < Math.min(size(), 5); i++) {
            sb.append(String.format(java.util.Locale.ROOT, " {%d %.4f %s}", labels[i], scores[i],
                    Arrays.toString(Arrays.copyOfRange(boxes, 4 * i, 4 * i + 4))));
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Detections d && Arrays.equals(boxes, d.boxes) && Arrays.equals(scores, d.scores)
                && Arrays.equals(labels, d.labels);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(boxes) + Arrays.hashCode(scores)) + Arrays.hashCode(labels);
    }
}
