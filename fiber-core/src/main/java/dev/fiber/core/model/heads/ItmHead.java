package dev.fiber.core.model.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.core.model.ForwardContext;
import dev.fiber.core.model.LinearLayer;
import dev.fiber.core.model.StateDictBlock;

/** Image-text matching head ({@code heads.ITMHead}, {@code itm_score}): {@code fc}, Linear(2h, 2) on cls_feats. */
public final class ItmHead extends StateDictBlock {

    private final LinearLayer fc;

    /**
     * @param inFeatures width of cls_feats (2 * hidden_size)
     */
    public ItmHead(int inFeatures) {
        fc = child("fc", new LinearLayer(inFeatures, 2, true));
    }

    /**
     * @param ctx forward context
     * @param cls cls_feats (B, 2h)
     * @return logits (B, 2): [no match, match]
     */
    public NDArray forward(ForwardContext ctx, NDArray cls) {
        return fc.forward(ctx, cls);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(new ForwardContext(ps, training), inputs.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), 2)};
    }
}
