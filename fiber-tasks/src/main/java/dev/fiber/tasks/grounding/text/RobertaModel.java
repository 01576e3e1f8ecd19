package dev.fiber.tasks.grounding.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.tasks.grounding.nn.Container;
import dev.fiber.tasks.grounding.nn.StateBlock;

/**
 * FIBER's fused RoBERTa ({@code language_backbone.body.model}, {@code RobertaModel} without pooler):
 * {@code embeddings} and {@code encoder.layer.{i}}. FIBER never calls the model's own forward; the
 * fusion backbone drives {@link #embeddings()} and {@link #layer(int)} itself, interleaved with Swin.
 * The DJL forward here runs the text-only path (every layer without image tokens).
 */
public final class RobertaModel extends StateBlock {

    private final RobertaEmbeddings embeddings;
    private final RobertaLayer[] layers;
    private final long hidden;

    /**
     * @param spec text widths
     * @param imageWidths per layer, the image token width its cross-attention reads (0 = text-only)
     */
    public RobertaModel(TextSpec spec, long[] imageWidths) {
        if (imageWidths.length != spec.layers()) {
            throw new IllegalArgumentException(imageWidths.length + " fusion widths for " + spec.layers() + " layers");
        }
        hidden = spec.hidden();
        embeddings = child("embeddings", new RobertaEmbeddings(spec.vocab(), spec.maxPositions(),
                spec.typeVocab(), spec.hidden(), spec.padId(), spec.eps()));
        Container encoder = child("encoder", new Container());
        Container list = encoder.add("layer", new Container());
        layers = new RobertaLayer[spec.layers()];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = list.add(Integer.toString(i),
                    new RobertaLayer(spec.hidden(), spec.ffn(), spec.heads(), imageWidths[i], spec.eps()));
        }
    }

    /** @return the embedding module */
    public RobertaEmbeddings embeddings() {
        return embeddings;
    }

    /**
     * @param i layer index (negative counts from the end, as Python does)
     * @return the layer
     */
    public RobertaLayer layer(int i) {
        return layers[i < 0 ? layers.length + i : i];
    }

    /** @return number of layers */
    public int numLayers() {
        return layers.length;
    }

    /**
     * The extended attention mask of the HuggingFace models FIBER uses: {@code (1 - mask) * -10000}.
     *
     * @param attentionMask {@code (B, N)} of 0/1
     * @return {@code (B, 1, 1, N)} float32
     */
    public static NDArray extendedMask(NDArray attentionMask) {
        Shape s = attentionMask.getShape();
        return attentionMask.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).neg().add(1f).mul(-10000f)
                .reshape(s.get(0), 1, 1, s.get(1));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        NDArray ext = extendedMask(in.get(1));
        NDArray h = embeddings.forward(in.get(0));
        for (RobertaLayer l : layers) {
            h = l.forward(h, ext, null);
        }
        return new NDList(h);
    }

    @Override
    protected Shape[] outputShapes(Shape[] in) {
        return new Shape[] {in[0].add(hidden)};
    }
}
