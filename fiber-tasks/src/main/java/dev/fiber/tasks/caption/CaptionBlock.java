package dev.fiber.tasks.caption;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fiber.core.model.FiberModel;
import dev.fiber.tasks.common.FiberTaskBlock;
import java.util.List;

/**
 * DJL block of FIBER captioning: encodes the images once ({@link FiberModel#captionImageEmbeds}) and
 * decodes with {@link CaptionSearch} (official beam search or greedy).
 *
 * <p>Inputs: {@code image} (B, 3, S, S) and an int64 options array (4) or, stacked by a batchifier,
 * (B, 4) whose first row counts: {@code [mode (0 beam, 1 greedy), beam size, max length (0 = the
 * model's max_text_len), incremental (1 cached, 0 official full recomputation)]}.
 * Outputs: {@code ids} (B, max_len - 1) int64 (official layout, see {@link DecodedCaption}),
 * {@code lengths} (B) int64 (caption tokens: ids other than {@code <pad>}), {@code scores} (B) float32.
 */
public final class CaptionBlock extends FiberTaskBlock {

    /** Option value of {@code mode} for beam search. */
    public static final int MODE_BEAM = 0;
    /** Option value of {@code mode} for greedy decoding. */
    public static final int MODE_GREEDY = 1;

    private final CaptionTokens tokens;

    /**
     * @param model a model with captioning layers
     */
    public CaptionBlock(FiberModel model) {
        super(model);
        this.tokens = CaptionTokens.roberta();
    }

    /**
     * @param manager owns the result
     * @param mode {@link #MODE_BEAM} or {@link #MODE_GREEDY}
     * @param beamSize beam size
     * @param maxLength maximum length including {@code <s>} (0 = the model's {@code max_text_len})
     * @param incremental cached decoding
     * @return the options array the block reads
     */
    public static NDArray options(NDManager manager, int mode, int beamSize, int maxLength, boolean incremental) {
        return manager.create(new long[] {mode, beamSize, maxLength, incremental ? 1 : 0});
    }

    @Override
    protected NDList forwardTask(NDManager out, NDList inputs) {
        expect(inputs, 2, "[image (B,3,S,S), options (4)]");
        NDArray image = inputs.get(0);
        NDArray opts = inputs.get(1);
        int mode = (int) option(opts, 0);
        int beam = (int) option(opts, 1);
        int maxLen = (int) option(opts, 2);
        boolean incremental = option(opts, 3) != 0;
        if (maxLen == 0) {
            maxLen = model.config().maxTextLen();
        }
        List<DecodedCaption> res;
        try (NDManager scope = out.newSubManager(model.device())) {
            NDArray embeds = model.captionImageEmbeds(scope, image);
            res = mode == MODE_GREEDY
                    ? CaptionSearch.greedy(model, scope, embeds, maxLen, incremental, tokens, CaptionSearch.StepTrace.NONE)
                    : CaptionSearch.beam(model, scope, embeds, beam, maxLen, incremental, tokens, CaptionSearch.StepTrace.NONE);
        }
        int b = res.size();
        long[] ids = new long[b * (maxLen - 1)];
        long[] lengths = new long[b];
        float[] scores = new float[b];
        for (int i = 0; i < b; i++) {
            System.arraycopy(res.get(i).ids(), 0, ids, i * (maxLen - 1), maxLen - 1);
            lengths[i] = res.get(i).length();
            scores[i] = res.get(i).score();
        }
        return new NDList(out.create(ids, new Shape(b, maxLen - 1)), out.create(lengths), out.create(scores));
    }

    /** Output shapes for decoding up to the model's {@code max_text_len} (the options can ask for another length). */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long b = batch(inputShapes, 0);
        return new Shape[] {new Shape(b, model.config().maxTextLen() - 1), new Shape(b), new Shape(b)};
    }
}
