package dev.fiber.tasks.caption;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fiber.core.model.CaptionFeatures;
import dev.fiber.core.model.FiberModel;

/**
 * The official decoding step: {@code infer_caption} over the whole {@code max_text_len} sequence
 * (pads after position {@code i}, no padding mask: {@code text_masks=None}) and the vocabulary
 * logits of position {@code i}. Costs a full text pass per step; kept as the reference the
 * {@link IncrementalStepper} is checked against and for benchmarks.
 */
final class FullRecomputeStepper implements CaptionStepper {

    private final FiberModel model;
    private final NDManager manager;
    private final NDArray embeds;
    private final int maskId;

    /**
     * @param model the model
     * @param parent manager for the stepper's arrays
     * @param imageEmbeds (B, L, D) caption image embeddings
     * @param rowsPerImage rows per image
     * @param maskId the {@code <mask>} id
     */
    FullRecomputeStepper(FiberModel model, NDManager parent, NDArray imageEmbeds, int rowsPerImage, int maskId) {
        this.model = model;
        this.manager = parent.newSubManager(model.device());
        this.maskId = maskId;
        NDArray e = imageEmbeds.repeat(0, rowsPerImage);
        e.attach(manager);
        this.embeds = e;
    }

    @Override
    public float[] logProbs(long[][] seqs, int i) {
        int rows = seqs.length;
        int t = seqs[0].length;
        long[] flat = new long[rows * t];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(seqs[r], 0, flat, r * t, t);
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray ids = scope.create(flat, new Shape(rows, t));
            CaptionFeatures f = model.inferCaptionFromEmbeds(scope, embeds, ids, ids.onesLike());
            NDArray logits = model.mlmLogits(scope, f.textFeats().get(":, " + i + ":" + (i + 1)));
            return StepperSupport.logProbs(logits, maskId);
        }
    }

    @Override
    public void reorder(int[] parents) {
        // the sequences carry the whole state
    }

    @Override
    public int vocabSize() {
        return model.config().vocabSize();
    }

    @Override
    public void close() {
        manager.close();
    }
}
