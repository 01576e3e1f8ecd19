package dev.fiber.tasks.caption;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.fiber.core.model.FiberModel;
import dev.fiber.core.model.IncrementalCaptionDecoder;

/**
 * Decoding step with cached keys/values ({@link IncrementalCaptionDecoder}): feeds only the newest
 * token of each row; the image is encoded once. Equal to {@link FullRecomputeStepper} up to float
 * rounding (the captioning mask is causal).
 */
final class IncrementalStepper implements CaptionStepper {

    private final FiberModel model;
    private final IncrementalCaptionDecoder decoder;
    private final NDManager manager;
    private final int maskId;

    /**
     * @param model the model
     * @param parent manager for the stepper's arrays
     * @param imageEmbeds (B, L, D) caption image embeddings
     * @param rowsPerImage rows per image
     * @param maskId the {@code <mask>} id
     */
    IncrementalStepper(FiberModel model, NDManager parent, NDArray imageEmbeds, int rowsPerImage, int maskId) {
        this.model = model;
        this.manager = parent.newSubManager(model.device());
        this.maskId = maskId;
        this.decoder = IncrementalCaptionDecoder.start(model, manager, imageEmbeds, rowsPerImage);
    }

    @Override
    public float[] logProbs(long[][] seqs, int i) {
        if (decoder.length() != i) {
            throw new IllegalStateException("incremental decoding at length " + decoder.length() + " asked for position " + i);
        }
        long[] tokens = new long[seqs.length];
        for (int r = 0; r < seqs.length; r++) {
            tokens[r] = seqs[r][i];
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray feats = decoder.step(scope, tokens);
            return StepperSupport.logProbs(model.mlmLogits(scope, feats), maskId);
        }
    }

    @Override
    public void reorder(int[] parents) {
        decoder.reorder(parents);
    }

    @Override
    public int vocabSize() {
        return model.config().vocabSize();
    }

    @Override
    public void close() {
        decoder.close();
        manager.close();
    }
}
