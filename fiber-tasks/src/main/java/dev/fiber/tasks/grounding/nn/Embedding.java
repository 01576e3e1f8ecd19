package dev.fiber.tasks.grounding.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** {@code nn.Embedding}: row lookup in a {@code (num, dim)} table. */
public final class Embedding extends StateBlock {

    private final Parameter weight;
    private final long num;
    private final long dim;

    /**
     * @param num number of rows
     * @param dim embedding width
     */
    public Embedding(long num, long dim) {
        this.num = num;
        this.dim = dim;
        weight = parameter("weight", new Shape(num, dim));
    }

    /**
     * @param ids int64 indices of any shape, each in {@code [0, num)}
     * @return {@code ids.shape + (dim)}
     * @throws IllegalArgumentException if an index is out of range
     */
    public NDArray forward(NDArray ids) {
        long[] v = ids.toLongArray();
        for (long id : v) {
            if (id < 0 || id >= num) {
                throw new IllegalArgumentException("embedding index " + id + " outside [0, " + num + ")");
            }
        }
        try (NDArray flat = ids.flatten()) {
            NDArray rows = value(weight).get(flat);
            NDArray out = rows.reshape(ids.getShape().add(dim));
            out.attach(ids.getManager());
            rows.close();
            return out;
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
        return new NDList(forward(inputs.head()));
    }

    @Override
    protected Shape[] outputShapes(Shape[] in) {
        return new Shape[] {in[0].add(dim)};
    }
}
