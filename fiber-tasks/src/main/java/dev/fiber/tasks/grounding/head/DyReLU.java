package dev.fiber.tasks.grounding.head;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.tasks.grounding.nn.Container;
import dev.fiber.tasks.grounding.nn.Linear;
import dev.fiber.tasks.grounding.nn.StateBlock;

/**
 * Dynamic ReLU ({@code DYReLU} of maskrcnn-benchmark {@code layers/dyrelu.py}, K2 with bias): from the
 * global average of the input, {@code fc.0} (C -> C/4), ReLU, {@code fc.2} (C/4 -> 4C), h-sigmoid give
 * {@code a1, b1, a2, b2}; with {@code a1 = (a1 - 0.5) * 2 + 1}, {@code a2 = (a2 - 0.5) * 2},
 * {@code b = b - 0.5} the output is {@code max(x a1 + b1, x a2 + b2)} per channel.
 */
public final class DyReLU extends StateBlock {

    private final Linear fc0;
    private final Linear fc2;
    private final long channels;

    /**
     * @param channels C
     * @param squeeze hidden width (C / 4, read from the checkpoint)
     */
    public DyReLU(long channels, long squeeze) {
        this.channels = channels;
        Container fc = child("fc", new Container());
        fc0 = fc.add("0", new Linear(channels, squeeze, true));
        fc2 = fc.add("2", new Linear(squeeze, 4 * channels, true));
    }

    /**
     * @param x {@code (B, C, H, W)}
     * @return activated {@code x}
     */
    public NDArray forward(NDArray x) {
        long b = x.getShape().get(0);
        NDArray pooled = GlobalAvgPool.apply(x).reshape(b, channels);
        NDArray y = HSigmoid.apply(fc2.forward(Activation.relu(fc0.forward(pooled)))).reshape(b, 4 * channels, 1, 1);
        NDArray a1 = y.get(":, 0:{}", channels).sub(0.5f).mul(2f).add(1f);
        NDArray b1 = y.get(":, {}:{}", channels, 2 * channels).sub(0.5f);
        NDArray a2 = y.get(":, {}:{}", 2 * channels, 3 * channels).sub(0.5f).mul(2f).add(0f);
        NDArray b2 = y.get(":, {}:", 3 * channels).sub(0.5f);
        return x.mul(a1).add(b1).maximum(x.mul(a2).add(b2));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        return new NDList(forward(in.head()));
    }

    @Override
    protected Shape[] outputShapes(Shape[] in) {
        return new Shape[] {in[0]};
    }
}
