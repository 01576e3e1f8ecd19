package dev.fiber.core.model.swin;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.core.model.ForwardContext;
import dev.fiber.core.model.LinearLayer;
import dev.fiber.core.model.Nn;
import dev.fiber.core.model.StateDictBlock;

/** timm {@code Mlp} of a Swin block: {@code fc2(gelu(fc1(x)))} (dropout rate 0 in FIBER). */
public final class SwinMlp extends StateDictBlock {

    private final LinearLayer fc1;
    private final LinearLayer fc2;

    /**
     * @param dim block width
     * @param hidden hidden width ({@code dim * mlp_ratio})
     */
    public SwinMlp(int dim, int hidden) {
        fc1 = child("fc1", new LinearLayer(dim, hidden, true));
        fc2 = child("fc2", new LinearLayer(hidden, dim, true));
    }

    /**
     * @param ctx forward context
     * @param x (..., dim)
     * @return (..., dim)
     */
    public NDArray forward(ForwardContext ctx, NDArray x) {
        return fc2.forward(ctx, Nn.gelu(fc1.forward(ctx, x)));
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
