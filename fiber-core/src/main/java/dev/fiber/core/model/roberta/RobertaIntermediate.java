package dev.fiber.core.model.roberta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.core.model.ForwardContext;
import dev.fiber.core.model.LinearLayer;
import dev.fiber.core.model.Nn;
import dev.fiber.core.model.StateDictBlock;

/** {@code RobertaIntermediate}: {@code gelu(dense(x))}, the first half of the layer's FFN (exact GELU). */
public final class RobertaIntermediate extends StateDictBlock {

    private final LinearLayer dense;
    private final int intermediate;

    /**
     * @param hidden input width
     * @param intermediate FFN width
     */
    public RobertaIntermediate(int hidden, int intermediate) {
        this.intermediate = intermediate;
        dense = child("dense", new LinearLayer(hidden, intermediate, true));
    }

    /**
     * @param ctx forward context
     * @param x (B, T, hidden)
     * @return (B, T, intermediate)
     */
    public NDArray forward(ForwardContext ctx, NDArray x) {
        return Nn.gelu(dense.forward(ctx, x));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(new ForwardContext(ps, training), inputs.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {s.slice(0, s.dimension() - 1).add(intermediate)};
    }
}
