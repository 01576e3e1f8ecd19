package dev.fiber.core.model.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.core.model.ForwardContext;
import dev.fiber.core.model.LinearLayer;
import dev.fiber.core.model.StateDictBlock;

/**
 * Pooler, {@code tanh(dense(x[:, 0]))}: HuggingFace's {@code RobertaPooler} ({@code text_transformer.pooler},
 * present in checkpoints but unused by FIBER) and FIBER's {@code heads.Pooler} (the cross-modal and
 * ITC poolers); both have a single {@code dense}.
 */
public final class Pooler extends StateDictBlock {

    private final LinearLayer dense;
    private final int hidden;

    /**
     * @param hidden width
     */
    public Pooler(int hidden) {
        this.hidden = hidden;
        dense = child("dense", new LinearLayer(hidden, hidden, true));
    }

    /**
     * @param ctx forward context
     * @param x (B, L, hidden); only the first token is used
     * @return (B, hidden)
     */
    public NDArray forward(ForwardContext ctx, NDArray x) {
        return dense.forward(ctx, x.get(":, 0")).tanh();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(new ForwardContext(ps, training), inputs.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), hidden)};
    }
}
