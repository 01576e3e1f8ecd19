package dev.fiber.core.model.roberta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.core.model.ForwardContext;
import dev.fiber.core.model.LayerNormLayer;
import dev.fiber.core.model.LinearLayer;
import dev.fiber.core.model.Nn;
import dev.fiber.core.model.StateDictBlock;

/**
 * FIBER's {@code RobertaSelfOutput}: {@code dense} + dropout only. Unlike HuggingFace it does not
 * apply its {@code LayerNorm} with the residual; the enclosing layer applies
 * {@code attention.output.LayerNorm} after the (optionally fused) sum (quirk 5). The
 * {@code crossattention_t2i.output.LayerNorm} parameters exist but are never used.
 */
public final class RobertaSelfOutput extends StateDictBlock {

    private final LinearLayer dense;
    private final LayerNormLayer layerNorm;
    private final double dropout;

    /**
     * @param hidden width
     * @param eps LayerNorm epsilon
     * @param dropout hidden dropout (training only)
     */
    public RobertaSelfOutput(int hidden, double eps, double dropout) {
        this.dropout = dropout;
        dense = child("dense", new LinearLayer(hidden, hidden, true));
        layerNorm = child("LayerNorm", new LayerNormLayer(hidden, eps));
    }

    /**
     * @param ctx forward context
     * @param x attention context (B, T, hidden)
     * @return {@code dropout(dense(x))}
     */
    public NDArray forward(ForwardContext ctx, NDArray x) {
        return Nn.dropout(dense.forward(ctx, x), dropout, ctx.training());
    }

    /** @return the LayerNorm the enclosing layer applies after the residual sum */
    public LayerNormLayer layerNorm() {
        return layerNorm;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(new ForwardContext(ps, training), inputs.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
