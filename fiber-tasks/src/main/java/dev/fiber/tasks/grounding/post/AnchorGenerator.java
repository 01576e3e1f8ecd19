package dev.fiber.tasks.grounding.post;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.tasks.grounding.nn.BufferList;
import dev.fiber.tasks.grounding.nn.StateBlock;

/**
 * Anchors of the ATSS/VLDyHead detector ({@code AnchorGenerator} built by
 * {@code make_anchor_generator_complex}, key {@code rpn.anchor_generator}).
 *
 * <p>Cell anchors {@code cell_anchors.{l}} (one per location in FIBER; legacy Detectron rounding, e.g.
 * {@code (-28, -28, 35, 35)} for stride 8 / size 64) are in the state dict. Anchors of a level are
 * {@code cell + (x * stride, y * stride, x * stride, y * stride)} over the <em>padded</em> feature map, in
 * (y, x, anchor) order.
 */
public final class AnchorGenerator extends StateBlock {

    private final BufferList cells;
    private final int[] strides;

    /**
     * @param strides anchor stride per level ({@code MODEL.RPN.ANCHOR_STRIDE})
     * @param anchorsPerLocation cell anchors per level (1 in FIBER)
     */
    public AnchorGenerator(int[] strides, int anchorsPerLocation) {
        this.strides = strides.clone();
        Shape[] shapes = new Shape[strides.length];
        for (int i = 0; i < shapes.length; i++) {
            shapes[i] = new Shape(anchorsPerLocation, 4);
        }
        cells = child("cell_anchors", new BufferList(shapes));
    }

    /**
     * Legacy Detectron cell anchors ({@code generate_anchors}): on the base window {@code (0, 0, s-1, s-1)},
     * ratio enumeration with rounded widths ({@code np.round}, half to even) then scale enumeration.
     *
     * @param stride anchor stride s
     * @param sizes anchor sizes of the level (FIBER: one, times {@code OCTAVE^(k/SCALES_PER_OCTAVE)})
     * @param aspectRatios aspect ratios (FIBER: 1.0)
     * @return {@code (ratios * sizes) x 4} xyxy, ratio-major
     */
    public static float[] cellAnchors(int stride, double[] sizes, double[] aspectRatios) {
        double w = stride;
        double ctr = 0.5 * (w - 1);
        float[] out = new float[4 * sizes.length * aspectRatios.length];
        int k = 0;
        for (double ratio : aspectRatios) {
            double rw = Math.rint(Math.sqrt(w * w / ratio));
            double rh = Math.rint(rw * ratio);
            for (double size : sizes) {
                double sw = rw * (size / stride);
                double sh = rh * (size / stride);
                out[k++] = (float) (ctr - 0.5 * (sw - 1));
                out[k++] = (float) (ctr - 0.5 * (sh - 1));
                out[k++] = (float) (ctr + 0.5 * (sw - 1));
                out[k++] = (float) (ctr + 0.5 * (sh - 1));
            }
        }
        return out;
    }

    /** @return number of levels */
    public int numLevels() {
        return strides.length;
    }

    /**
     * @param level pyramid level
     * @param height feature map height
     * @param width feature map width
     * @return anchors {@code (height * width * A) x 4}, row-major xyxy
     */
    public float[] anchors(int level, int height, int width) {
        float[] cell = cells.get(level).toFloatArray();
        int a = cell.length / 4;
        float stride = strides[level];
        float[] out = new float[height * width * a * 4];
        int k = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float sx = x * stride;
                float sy = y * stride;
                for (int c = 0; c < a; c++) {
                    out[k++] = sx + cell[4 * c];
                    out[k++] = sy + cell[4 * c + 1];
                    out[k++] = sx + cell[4 * c + 2];
                    out[k++] = sy + cell[4 * c + 3];
                }
            }
        }
        return out;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        NDList out = new NDList();
        for (int l = 0; l < in.size(); l++) {
            Shape s = in.get(l).getShape();
            int h = (int) s.get(2);
            int w = (int) s.get(3);
            float[] a = anchors(l, h, w);
            out.add(in.get(l).getManager().create(a, new Shape(a.length / 4, 4)));
        }
        return out;
    }

    @Override
    protected Shape[] outputShapes(Shape[] in) {
        Shape[] out = new Shape[in.length];
        for (int l = 0; l < in.length; l++) {
            out[l] = new Shape(in[l].get(2) * in[l].get(3) * cells.get(l).getShape().get(0), 4);
        }
        return out;
    }
}
