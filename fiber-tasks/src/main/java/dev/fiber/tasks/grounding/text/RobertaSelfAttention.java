package dev.fiber.tasks.grounding.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.tasks.grounding.nn.Linear;
import dev.fiber.tasks.grounding.nn.StateBlock;

/**
 * Multi-head scaled dot-product attention of RoBERTa ({@code RobertaSelfAttention}): keys
 * {@code query}, {@code key}, {@code value}. Scores are {@code (q kᵀ) / sqrt(head_dim) + mask}.
 *
 * <p>As FIBER's text-to-image cross-attention ({@code crossattention_t2i.self}) the keys and values come
 * from the image tokens, whose width may differ from the text width (the key/value in-features are read
 * from the checkpoint); no mask is applied to image tokens.
 */
public final class RobertaSelfAttention extends StateBlock {

    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final int heads;
    private final long hidden;

    /**
     * @param hidden text width (query input and output width)
     * @param kvIn key/value input width ({@code hidden} for self-attention, the image width for cross)
     * @param heads number of heads
     */
    public RobertaSelfAttention(long hidden, long kvIn, int heads) {
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("hidden " + hidden + " not divisible by " + heads + " heads");
        }
        this.hidden = hidden;
        this.heads = heads;
        query = child("query", new Linear(hidden, hidden, true));
        key = child("key", new Linear(kvIn, hidden, true));
        value = child("value", new Linear(kvIn, hidden, true));
    }

    /**
     * @param x queries {@code (B, N, hidden)}
     * @param kv keys/values source {@code (B, M, kvIn)} ({@code x} itself for self-attention)
     * @param extendedMask additive mask broadcastable to {@code (B, heads, N, M)}, or {@code null}
     * @return context {@code (B, N, hidden)}
     */
    public NDArray forward(NDArray x, NDArray kv, NDArray extendedMask) {
        NDArray q = split(query.forward(x));
        NDArray k = split(key.forward(kv));
        NDArray v = split(value.forward(kv));
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).div((float) Math.sqrt(hidden / heads));
        if (extendedMask != null) {
            scores = scores.add(extendedMask);
        }
        NDArray ctx = scores.softmax(-1).matMul(v);
        Shape s = x.getShape();
        return ctx.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(1), hidden);
    }

    private NDArray split(NDArray t) {
        Shape s = t.getShape();
        return t.reshape(s.get(0), s.get(1), heads, hidden / heads).transpose(0, 2, 1, 3);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        NDArray x = in.get(0);
        NDArray kv = in.size() > 1 ? in.get(1) : x;
        NDArray mask = in.size() > 2 ? in.get(2) : null;
        return new NDList(forward(x, kv, mask));
    }

    @Override
    protected Shape[] outputShapes(Shape[] in) {
        return new Shape[] {in[0]};
    }
}
