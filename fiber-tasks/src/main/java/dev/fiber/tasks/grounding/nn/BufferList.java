package dev.fiber.tasks.grounding.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * maskrcnn-benchmark {@code BufferList}: buffers named {@code "0"}, {@code "1"}, ... (e.g. the anchor
 * generator's {@code cell_anchors}). Its DJL forward returns the buffers.
 */
public final class BufferList extends StateBlock {

    private final Parameter[] buffers;

    /** @param shapes shape of each buffer */
    public BufferList(Shape... shapes) {
        buffers = new Parameter[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            buffers[i] = buffer(Integer.toString(i), shapes[i]);
        }
    }

    /**
     * @param i buffer index
     * @return its loaded value
     */
    public NDArray get(int i) {
        return value(buffers[i]);
    }

    /** @return number of buffers */
    public int size() {
        return buffers.length;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        NDList out = new NDList();
        for (Parameter b : buffers) {
            out.add(value(b));
        }
        return out;
    }

    @Override
    protected Shape[] outputShapes(Shape[] in) {
        Shape[] out = new Shape[buffers.length];
        for (int i = 0; i < buffers.length; i++) {
            out[i] = expectedShape(Integer.toString(i));
        }
        return out;
    }
}
