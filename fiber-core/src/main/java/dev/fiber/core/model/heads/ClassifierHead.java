package dev.fiber.core.model.heads;

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
 * The two-layer classifier {@code nn.Sequential(Linear(in, mid), LayerNorm(mid), GELU(), Linear(mid, out))}
 * of FIBER's VQA head ({@code vqa_classifier}: 2h -> 2h -> 3129 on cls_feats) and NLVR2 head
 * ({@code nlvr2_classifier}: 4h -> 2h -> 2 on the two images' cls_feats concatenated). State-dict
 * members {@code 0}, {@code 1}, {@code 3} (the GELU at index 2 has no parameters); LayerNorm eps 1e-5.
 */
public final class ClassifierHead extends StateDictBlock {

    private final LinearLayer first;
    private final LayerNormLayer norm;
    private final LinearLayer last;
    private final int out;

    /**
     * @param in input width
     * @param mid hidden width
     * @param out number of outputs
     */
    public ClassifierHead(int in, int mid, int out) {
        this.out = out;
        first = child("0", new LinearLayer(in, mid, true));
        norm = child("1", new LayerNormLayer(mid, 1e-5));
        last = child("3", new LinearLayer(mid, out, true));
    }

    /**
     * @param ctx forward context
     * @param x (B, in)
     * @return logits (B, out)
     */
    public NDArray forward(ForwardContext ctx, NDArray x) {
        return last.forward(ctx, Nn.gelu(norm.forward(ctx, first.forward(ctx, x))));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(new ForwardContext(ps, training), inputs.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), out)};
    }
}
