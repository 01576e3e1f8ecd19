package dev.fiber.tasks.grounding.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.core.ops.ModulatedDeformConv;

/**
 * {@code ModulatedDeformConv} module (maskrcnn-benchmark {@code layers/deform_conv.py}): a 3x3
 * modulated deformable convolution with bias; offsets and mask are inputs. If they are larger than the
 * output they are read the way the CUDA kernel reads them ({@link ModulatedDeformConv#reinterpret}).
 */
public final class DeformConv2d extends StateBlock {

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
     * @param padding zero padding
     */
    public DeformConv2d(long in, long out, int kernel, int stride, int padding) {
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        weight = parameter("weight", new Shape(out, in, kernel, kernel));
        bias = parameter("bias", new Shape(out));
    }

    /**
     * @param x input {@code (B, in, H, W)}
     * @param offset {@code (B, 2 k k, H', W')} with {@code H' W'} at least the output size
     * @param mask {@code (B, k k, H', W')}
     * @return output {@code (B, out, Ho, Wo)}
     */
    public NDArray forward(NDArray x, NDArray offset, NDArray mask) {
        Shape s = x.getShape();
        int ho = ModulatedDeformConv.outputSize((int) s.get(2), kernel, stride, padding, 1);
        int wo = ModulatedDeformConv.outputSize((int) s.get(3), kernel, stride, padding, 1);
        int taps = kernel * kernel;
        return ModulatedDeformConv.forward(x, fit(offset, 2 * taps, ho, wo), fit(mask, taps, ho, wo),
                value(weight), value(bias), stride, padding, 1);
    }

    private static NDArray fit(NDArray t, int channels, int ho, int wo) {
        Shape s = t.getShape();
        if (s.get(1) == channels && s.get(2) == ho && s.get(3) == wo) {
            return t;
        }
        return ModulatedDeformConv.reinterpret(t, channels, ho, wo);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        return new NDList(forward(in.get(0), in.get(1), in.get(2)));
    }

    @Override
    protected Shape[] outputShapes(Shape[] in) {
        Shape s = in[0];
        return new Shape[] {new Shape(s.get(0), out,
                ModulatedDeformConv.outputSize((int) s.get(2), kernel, stride, padding, 1),
                ModulatedDeformConv.outputSize((int) s.get(3), kernel, stride, padding, 1))};
    }
}
