package dev.fiber.tasks.grounding.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.tasks.grounding.nn.StateBlock;

/**
 * {@code RobertaAttention}: {@code self} ({@link RobertaSelfAttention}) followed by {@code output}
 * ({@link RobertaSelfOutput}, dense only). Used as {@code attention} (self) and
 * {@code crossattention_t2i} (text queries over image tokens) of a fused layer.
 */
public final class RobertaAttention extends StateBlock {

    private final RobertaSelfAttention self;
    private final RobertaSelfOutput output;

    /**
     * @param hidden text width
     * @param kvIn key/value input width
     * @param heads heads
     * @param cross whether this is the cross-attention (its output has no LayerNorm)
     * @param eps LayerNorm epsilon
     */
    public RobertaAttention(long hidden, long kvIn, int heads, boolean cross, float eps) {
        self = child("self", new RobertaSelfAttention(hidden, kvIn, heads));
        output = child("output", new RobertaSelfOutput(hidden, !cross, eps));
    }

    /**
     * @param x queries
     * @param kv key/value source
     * @param mask additive mask or {@code null}
     * @return {@code output.dense(self(x, kv, mask))}
     */
    public NDArray forward(NDArray x, NDArray kv, NDArray mask) {
        return output.forward(self.forward(x, kv, mask));
    }

    /** @return the output module (its LayerNorm is used by the layer) */
    RobertaSelfOutput output() {
        return output;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        NDArray x = in.get(0);
        return new NDList(forward(x, in.size() > 1 ? in.get(1) : x, in.size() > 2 ? in.get(2) : null));
    }

    @Override
    protected Shape[] outputShapes(Shape[] in) {
        return new Shape[] {in[0]};
    }
}
