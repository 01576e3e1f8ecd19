package dev.fiber.tasks.grounding.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.tasks.grounding.nn.LayerNorm;
import dev.fiber.tasks.grounding.nn.Linear;
import dev.fiber.tasks.grounding.nn.StateBlock;

/**
 * {@code RobertaSelfOutput} of FIBER's fused RoBERTa: only {@code dense} is applied in the forward; its
 * {@code LayerNorm} (present for self-attention, an identity for the cross-attention) is applied by the
 * enclosing {@link RobertaLayer} after the fusion, as the official layer does.
 */
public final class RobertaSelfOutput extends StateBlock {

    private final Linear dense;
    private final LayerNorm norm;

    /**
     * @param hidden width
     * @param withLayerNorm whether the module has the {@code LayerNorm} keys (self-attention only)
     * @param eps LayerNorm epsilon
     */
    public RobertaSelfOutput(long hidden, boolean withLayerNorm, float eps) {
        dense = child("dense", new Linear(hidden, hidden, true));
        norm = withLayerNorm ? child("LayerNorm", new LayerNorm(hidden, eps)) : null;
    }

    /**
     * @param x attention context
     * @return {@code dense(x)}
     */
    public NDArray forward(NDArray x) {
        return dense.forward(x);
    }

    /** @return the post-fusion LayerNorm of the layer ({@code attention.output.LayerNorm}) */
    LayerNorm layerNorm() {
        if (norm == null) {
            throw new IllegalStateException("this output module has no LayerNorm");
        }
        return norm;
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
