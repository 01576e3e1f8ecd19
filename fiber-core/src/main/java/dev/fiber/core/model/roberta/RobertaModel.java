package dev.fiber.core.model.roberta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.core.config.FiberConfig;
import dev.fiber.core.model.ForwardContext;
import dev.fiber.core.model.StateDictBlock;
import dev.fiber.core.model.heads.Pooler;

/**
 * FIBER's text encoder ({@code text_transformer}, a {@code RobertaModel} built from roberta-base):
 * {@code embeddings}, {@code encoder} and the HuggingFace {@code pooler} (loaded, unused by FIBER).
 */
public final class RobertaModel extends StateDictBlock {

    private final RobertaEmbeddings embeddings;
    private final RobertaEncoder encoder;
    private final int hidden;

    /**
     * @param config model configuration
     */
    public RobertaModel(FiberConfig config) {
        hidden = config.text().hiddenSize();
        embeddings = child("embeddings", new RobertaEmbeddings(config.text()));
        encoder = child("encoder", new RobertaEncoder(config));
        child("pooler", new Pooler(hidden));
    }

    /** @return the embeddings */
    public RobertaEmbeddings embeddings() {
        return embeddings;
    }

    /** @return the encoder */
    public RobertaEncoder encoder() {
        return encoder;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        ForwardContext ctx = new ForwardContext(ps, training);
        NDArray ids = inputs.get(0);
        NDArray e = embeddings.forward(ctx, ids);
        return new NDList(encoder.forward(ctx, e, TextMasks.padding(inputs.get(1), e.getDataType())));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(hidden)};
    }
}
