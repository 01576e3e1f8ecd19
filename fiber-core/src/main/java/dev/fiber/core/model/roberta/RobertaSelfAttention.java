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

/**
 * Multi-head scaled dot-product attention of RoBERTa ({@code RobertaSelfAttention}): {@code query},
 * {@code key}, {@code value} projections; scores QK^T divided by sqrt(head_dim) <em>after</em> the
 * product, plus an additive mask, softmax, dropout, times V. Used both as self-attention and, in
 * FIBER's fused layers, as text-to-image cross-attention ({@code crossattention_t2i.self}), where
 * key/value read image tokens of width DIM_IMG/2 or DIM_IMG and no mask is applied.
 */
public final class RobertaSelfAttention extends StateDictBlock {

    private final int hidden;
    private final int heads;
    private final int headDim;
    private final float divisor;
    private final double dropout;
    private final LinearLayer query;
    private final LinearLayer key;
    private final LinearLayer value;

    /**
     * @param hidden query width (= output width)
     * @param keyWidth width of the key/value source
     * @param heads number of heads
     * @param dropout attention-probability dropout (training only)
     */
    public RobertaSelfAttention(int hidden, int keyWidth, int heads, double dropout) {
        this.hidden = hidden;
        this.heads = heads;
        this.headDim = hidden / heads;
        this.divisor = (float) Math.sqrt(headDim);
        this.dropout = dropout;
        query = child("query", new LinearLayer(hidden, hidden, true));
        key = child("key", new LinearLayer(keyWidth, hidden, true));
        value = child("value", new LinearLayer(keyWidth, hidden, true));
    }

    /**
     * @param ctx forward context
     * @param x queries source (B, T, hidden)
     * @param kvSource key/value source (B, S, keyWidth), or {@code null} for self-attention
     * @param mask additive mask broadcastable to (B, heads, T, S), or {@code null}
     * @return context (B, T, hidden)
     */
    public NDArray forward(ForwardContext ctx, NDArray x, NDArray kvSource, NDArray mask) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        NDArray src = kvSource == null ? x : kvSource;
        long s = src.getShape().get(1);
        NDArray q = query.forward(ctx, x).reshape(b, t, heads, headDim).transpose(0, 2, 1, 3);
        NDArray k = key.forward(ctx, src).reshape(b, s, heads, headDim).transpose(0, 2, 1, 3);
        NDArray v = value.forward(ctx, src).reshape(b, s, heads, headDim).transpose(0, 2, 1, 3);
        NDArray scores = Nn.divScalar(q.matMul(k.transpose(0, 1, 3, 2)), divisor);
        if (mask != null) {
            scores = scores.add(mask);
        }
        NDArray probs = Nn.dropout(scores.softmax(-1), dropout, ctx.training());
        return probs.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, hidden);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        ForwardContext ctx = new ForwardContext(ps, training);
        NDArray kv = inputs.size() > 1 ? inputs.get(1) : null;
        NDArray mask = inputs.size() > 2 ? inputs.get(2) : null;
        return new NDList(forward(ctx, inputs.get(0), kv, mask));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), inputShapes[0].get(1), hidden)};
    }
}
