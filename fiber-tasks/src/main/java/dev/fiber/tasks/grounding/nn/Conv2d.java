package dev.fiber.tasks.grounding.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** {@code nn.Conv2d} with square kernel, stride and zero padding, weight {@code (out, in, k, k)}, bias. */
public final class Conv2d extends StateBlock {

    private final Parameter weight;
    private final Parameter bias;
    private final long out;
    private final int kernel;
    private final int stride;
    private final int padding;

    /**
     * @param in input channels
     * @param out output channels
     * @param kernel kernel size
     * @param stride stride
     * @param padding zero padding on each side
     * @param hasBias whether there is a bias
     */
    public Conv2d(long in, long out, int kernel, int stride, int padding, boolean hasBias) {
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        weight = parameter("weight", new Shape(out, in, kernel, kernel));
        bias = hasBias ? parameter("bias", new Shape(out)) : null;
    }

    /**
     * @param x input {@code (N, in, H, W)}
     * @return output {@code (N, out, H', W')}
     */
    public NDArray forward(NDArray x) {
        return ai.djl.nn.convolutional.Conv2d.conv2d(x, value(weight), bias == null ? null : value(bias),
                new Shape(stride, stride), new Shape(padding, padding), new Shape(1, 1), 1).head();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
        return new NDList(forward(inputs.head()));
    }

    @Override
    protected Shape[] outputShapes(Shape[] in) {
        Shape s = in[0];
        long h = (s.get(2) + 2L * padding - kernel) / stride + 1;
        long w = (s.get(3) + 2L * padding - kernel) / stride + 1;
        return new Shape[] {new Shape(s.get(0), out, h, w)};
    }
}
