package dev.fiber.core.model.roberta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.core.model.ForwardContext;
import dev.fiber.core.model.StateDictBlock;

/**
 * {@code RobertaAttention}: {@code self} (attention) followed by {@code output} (dense + dropout,
 * no LayerNorm in FIBER). Used as {@code attention} and {@code crossattention_t2i} of a layer.
 */
public final class RobertaAttention extends StateDictBlock {

    private final RobertaSelfAttention self;
    private final RobertaSelfOutput output;

    /**
     * @param hidden width
     * @param keyWidth key/value source width
     * @param heads heads
     * @param eps LayerNorm epsilon (of {@code output.LayerNorm})
     * @param attentionDropout attention-probability dropout
     * @param hiddenDropout output dropout
     */
    public RobertaAttention(int hidden, int keyWidth, int heads, double eps, double attentionDropout, double hiddenDropout) {
        self = child("self", new RobertaSelfAttention(hidden, keyWidth, heads, attentionDropout));
        output = child("output", new RobertaSelfOutput(hidden, eps, hiddenDropout));
    }

    /**
     * @param ctx forward context
     * @param x query source (B, T, hidden)
     * @param kvSource key/value source or {@code null} (self-attention)
     * @param mask additive mask or {@code null}
     * @return {@code output(self(x, kv, mask))} (B, T, hidden)
     */
    public NDArray forward(ForwardContext ctx, NDArray x, NDArray kvSource, NDArray mask) {
        return output.forward(ctx, self.forward(ctx, x, kvSource, mask));
    }

    /** @return the output sub-module (holds the layer's attention LayerNorm) */
    public RobertaSelfOutput output() {
        return output;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        ForwardContext ctx = new ForwardContext(ps, training);
        NDArray kv = inputs.size() > 1 ? inputs.get(1) : null;
        NDArray mask = inputs.size() > 2 ? inputs.get(2) : null;
        return new NDList(forward(ctx, inputs.get(0), kv, mask));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
