package dev.fiber.tasks.caption;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import dev.fiber.core.image.AlbefTransform;
import dev.fiber.core.image.RgbImage;
import dev.fiber.core.text.FiberTokenizer;
import dev.fiber.tasks.common.TaskInputs;
import java.util.Arrays;

/**
 * DJL translator from an image to its caption, for a model whose block is a {@link CaptionBlock}:
 * {@code albef_transform(image_size)} preprocessing, decoding options as the block's options array,
 * and {@code tokenizer.decode} of the result. Batches (via {@code Predictor.batchPredict}) are decoded
 * together, as the official evaluation decodes its batches (the beam loop ends when every image of the
 * batch has ended).
 *
 * <p>Immutable and thread-safe; a {@code Predictor} using it is not (one predictor per thread).
 */
public final class CaptionTranslator implements Translator<RgbImage, Caption> {

    private final AlbefTransform transform;
    private final FiberTokenizer tokenizer;
    private final int mode;
    private final int beamSize;
    private final int maxLength;
    private final boolean incremental;

    private CaptionTranslator(Builder b) {
        this.transform = new AlbefTransform(b.imageSize);
        this.tokenizer = b.tokenizer != null ? b.tokenizer : FiberTokenizer.roberta();
        this.mode = b.greedy ? CaptionBlock.MODE_GREEDY : CaptionBlock.MODE_BEAM;
        this.beamSize = b.beamSize;
        this.maxLength = b.maxLength;
        this.incremental = b.incremental;
    }

    /**
     * @param imageSize input resolution of the model (its {@code image_size}, e.g. 576 for the official
     *     captioning evaluation)
     * @return a builder with the official decoding (beam 5, the model's {@code max_text_len}), cached
     */
    public static Builder builder(int imageSize) {
        return new Builder(imageSize);
    }

    @Override
    public NDList processInput(TranslatorContext ctx, RgbImage input) {
        return new NDList(TaskInputs.image(input, transform, ctx.getNDManager()),
                CaptionBlock.options(ctx.getNDManager(), mode, beamSize, maxLength, incremental));
    }

    @Override
    public Caption processOutput(TranslatorContext ctx, NDList list) {
        NDArray ids = list.get(0);
        float score = list.get(2).getFloat();
        int pad = tokenizer.padId();
        long[] tokens = Arrays.stream(ids.toLongArray()).filter(x -> x != pad).toArray();
        return new Caption(tokenizer.decode(tokens, false), tokens, score);
    }

    /** Builder of {@link CaptionTranslator}. */
    public static final class Builder {
        private final int imageSize;
        private FiberTokenizer tokenizer;
        private boolean greedy;
        private int beamSize = CaptionSearch.OFFICIAL_BEAM_SIZE;
        private int maxLength;
        private boolean incremental = true;

        private Builder(int imageSize) {
            this.imageSize = imageSize;
        }

        /**
         * @param size beam size (official: 5)
         * @return this builder
         */
        public Builder optBeamSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("beam size must be >= 1, got " + size);
            }
            this.beamSize = size;
            return this;
        }

        /**
         * @param g greedy decoding instead of beam search
         * @return this builder
         */
        public Builder optGreedy(boolean g) {
            this.greedy = g;
            return this;
        }

        /**
         * @param length maximum sequence length including {@code <s>} (0 = the model's {@code max_text_len})
         * @return this builder
         */
        public Builder optMaxLength(int length) {
            if (length != 0 && length < 2) {
                throw new IllegalArgumentException("max length must be >= 2 (or 0 for the model's), got " + length);
            }
            this.maxLength = length;
            return this;
        }

        /**
         * @param inc cached (incremental) decoding; {@code false} recomputes the whole prefix each step as
         *     the official code does (same ids, much slower)
         * @return this builder
         */
        public Builder optIncremental(boolean inc) {
            this.incremental = inc;
            return this;
        }

        /**
         * @param t tokenizer for decoding (default: roberta-base)
         * @return this builder
         */
        public Builder optTokenizer(FiberTokenizer t) {
            this.tokenizer = t;
            return this;
        }

        /** @return the translator */
        public CaptionTranslator build() {
            return new CaptionTranslator(this);
        }
    }
}
