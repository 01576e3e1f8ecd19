package dev.fiber.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * PyTorch {@code nn.Embedding}: state-dict entry {@code weight} (rows, dim). A {@code padding_idx}
 * only affects initialisation and gradients in PyTorch; the stored padding row is an ordinary row
 * and is used as such (quirk 3).
 */
public final class EmbeddingTable extends StateDictBlock {

    private final int rows;
    private final int dim;
    private final Parameter weight;

    /**
     * @param rows number of rows
     * @param dim embedding width
     */
    public EmbeddingTable(int rows, int dim) {
        this.rows = rows;
        this.dim = dim;
        weight = param("weight", Parameter.Type.WEIGHT, new Shape(rows, dim), ParamInit.NORMAL);
    }

    /**
     * @param ctx forward context
     * @param ids int64 indices in [0, rows) (the caller validates them)
     * @return ids.shape + (dim)
     */
    public NDArray forward(ForwardContext ctx, NDArray ids) {
        return Nn.embedding(ids, ctx.value(weight, ids));
    }

    /** @return number of rows */
    public int rows() {
        return rows;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(new ForwardContext(ps, training), inputs.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(dim)};
    }
}
