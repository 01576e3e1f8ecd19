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
 * FIBER's {@code RobertaOutput}: {@code dropout(dense(h)) + residual}, then {@code LayerNorm}
 * unless {@code last_norm} is false (only text layer 11 of the fused {@code infer}, quirk 5/6).
 */
public final class RobertaOutput extends StateDictBlock {

    private final LinearLayer dense;
    private final LayerNormLayer layerNorm;
    private final double dropout;
    private final int hidden;

    /**
     * @param intermediate input width
     * @param hidden output width
     * @param eps LayerNorm epsilon
     * @param dropout hidden dropout (training only)
     */
    public RobertaOutput(int intermediate, int hidden, double eps, double dropout) {
        this.hidden = hidden;
        this.dropout = dropout;
        dense = child("dense", new LinearLayer(intermediate, hidden, true));
        layerNorm = child("LayerNorm", new LayerNormLayer(hidden, eps));
    }

    /**
     * @param ctx forward context
     * @param h FFN hidden (B, T, intermediate)
     * @param residual (B, T, hidden)
     * @param lastNorm whether to apply the LayerNorm
     * @return (B, T, hidden)
     */
    public NDArray forward(ForwardContext ctx, NDArray h, NDArray residual, boolean lastNorm) {
        NDArray y = Nn.dropout(dense.forward(ctx, h), dropout, ctx.training()).add(residual);
        return lastNorm ? layerNorm.forward(ctx, y) : y;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(new ForwardContext(ps, training), inputs.get(0), inputs.get(1), true));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {s.slice(0, s.dimension() - 1).add(hidden)};
    }
}
