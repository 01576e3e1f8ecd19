package dev.fiber.tasks.nlvr2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fiber.core.model.FiberModel;
import dev.fiber.core.model.FusedFeatures;
import dev.fiber.core.model.FusionCache;
import dev.fiber.core.model.TextBottom;
import dev.fiber.tasks.common.FiberTaskBlock;

/**
 * DJL block of FIBER NLVR2 (official {@code compute_nlvr2}): the fused pass of the statement with
 * each image, then {@code nlvr2_classifier(cat(cls(image), cls(image_1)))}. The statement's
 * uni-modal bottom is computed once and both images go through the fused top as one batch
 * ({@link FusionCache}); the result equals two separate {@code infer} calls.
 *
 * <p>Inputs: {@code image} (B, 3, S, S), {@code image_1} (B, 3, S, S), {@code text_ids} (B, T),
 * {@code text_masks} (B, T). Output: logits (B, 2) (label 0 False, 1 True).
 */
public final class Nlvr2Block extends FiberTaskBlock {

    private final FusionCache cache;

    /**
     * @param model a model with {@code nlvr2_classifier}
     */
    public Nlvr2Block(FiberModel model) {
        super(model);
        this.cache = new FusionCache(model);
    }

    @Override
    protected NDList forwardTask(NDManager out, NDList inputs) {
        expect(inputs, 4, "[image (B,3,S,S), image_1 (B,3,S,S), text_ids (B,T), text_masks (B,T)]");
        NDArray image = inputs.get(0);
        NDArray image1 = inputs.get(1);
        NDArray ids = inputs.get(2);
        NDArray masks = inputs.get(3);
        long b = image.getShape().get(0);
        if (image1.getShape().get(0) != b || ids.getShape().get(0) != b) {
            throw new IllegalArgumentException("NLVR2 batch mismatch: " + image.getShape() + ", " + image1.getShape() + ", " + ids.getShape());
        }
        try (NDManager scope = out.newSubManager(model.device())) {
            scope.tempAttachAll(image, image1, ids, masks);
            NDArray both = NDArrays.concat(new NDList(image, image1), 0);
            TextBottom t = cache.encodeTextBottom(scope, ids, masks);
            TextBottom twice = new TextBottom(NDArrays.concat(new NDList(t.states(), t.states()), 0),
                    NDArrays.concat(new NDList(t.masks(), t.masks()), 0));
            FusedFeatures f = cache.inferFromBottoms(scope, cache.encodeImageBottom(scope, both), twice);
            NDArray cls = f.clsFeats();
            NDArray logits = model.nlvr2Logits(scope, cls.get("0:" + b), cls.get(b + ":"));
            logits.attach(out);
            return new NDList(logits);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(batch(inputShapes, 0), 2)};
    }
}
