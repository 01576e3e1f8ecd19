package dev.fiber.core.model.roberta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.core.config.FiberConfig;
import dev.fiber.core.model.ForwardContext;
import dev.fiber.core.model.ModuleList;
import dev.fiber.core.model.StateDictBlock;

/**
 * {@code RobertaEncoder}: the stack {@code layer.0 ... layer.11}. FIBER drives the layers one by one
 * (the fusion schedule lives in {@link dev.fiber.core.model.FiberTransformer}); {@link #forward}
 * runs all layers text-only (the ITC text path).
 */
public final class RobertaEncoder extends StateDictBlock {

    private final ModuleList<RobertaLayer> layers;

    /**
     * @param config model configuration (text architecture, DIM_IMG and number of fused layers)
     */
    public RobertaEncoder(FiberConfig config) {
        layers = child("layer", new ModuleList<>());
        int n = config.text().numHiddenLayers();
        int dimImg = config.inputImageEmbedSize();
        for (int i = 0; i < n; i++) {
            int keyWidth = i >= n - config.numFuseBlock() ? (i < 10 ? dimImg / 2 : dimImg) : 0;
            layers.add(new RobertaLayer(config.text(), keyWidth));
        }
    }

    /**
     * @param i layer index
     * @return the layer
     */
    public RobertaLayer layer(int i) {
        return layers.get(i);
    }

    /** @return number of layers */
    public int numLayers() {
        return layers.size();
    }

    /**
     * All layers, self-attention only, each with its final LayerNorm.
     *
     * @param ctx forward context
     * @param x embeddings (B, T, hidden)
     * @param mask additive attention mask
     * @return (B, T, hidden)
     */
    public NDArray forward(ForwardContext ctx, NDArray x, NDArray mask) {
        NDArray h = x;
        for (RobertaLayer l : layers.members()) {
            h = l.forward(ctx, h, mask, null, true);
        }
        return h;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(new ForwardContext(ps, training), inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
