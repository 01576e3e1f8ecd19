package dev.fiber.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * PyTorch {@code nn.Conv2d} with a square kernel, stride equal to the kernel and no padding (the
 * Swin patch-embedding projection): state-dict entries {@code weight} (out, in, k, k) and {@code bias}.
 */
public final class Conv2dLayer extends StateDictBlock {

    private final int out;
    private final int kernel;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * @param in input channels
     * @param out output channels
     * @param kernel kernel side = stride
     */
    public Conv2dLayer(int in, int out, int kernel) {
        this.out = out;
        this.kernel = kernel;
        weight = param("weight", Parameter.Type.WEIGHT, new Shape(out, in, kernel, kernel), ParamInit.NORMAL);
        bias = param("bias", Parameter.Type.BIAS, new Shape(out), ParamInit.ZEROS);
    }

    /**
     * @param ctx forward context
     * @param x (B, in, H, W)
     * @return (B, out, H/k, W/k)
     */
    public NDArray forward(ForwardContext ctx, NDArray x) {
        Shape k = new Shape(kernel, kernel);
        return x.getNDArrayInternal()
                .convolution(x, ctx.value(weight, x), ctx.value(bias, x), k, new Shape(0, 0), new Shape(1, 1), 1)
                .singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(new ForwardContext(ps, training), inputs.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), out, s.get(2) / kernel, s.get(3) / kernel)};
    }
}
