package dev.fiber.tasks.vqa;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import dev.fiber.core.image.AlbefTransform;
import dev.fiber.core.text.FiberTokenizer;
import dev.fiber.tasks.common.TaskInputs;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * DJL translator from a {@link VqaQuery} to the top answers ({@link VqaPrediction}), for a model whose
 * block is a {@link VqaBlock}: {@code albef_transform(image_size)} and the RoBERTa tokenizer padded to
 * {@code max_text_len} as the official evaluation; answers ranked by {@code sigmoid(vqa_logits)}
 * (multi-label, as trained by {@code compute_vqa}). Batchable ({@code Predictor.batchPredict}).
 *
 * <p>Immutable and thread-safe; a {@code Predictor} is not (one predictor per thread).
 */
public final class VqaTranslator implements Translator<VqaQuery, VqaPrediction> {

    private final AnswerVocabulary vocabulary;
    private final AlbefTransform transform;
    private final FiberTokenizer tokenizer;
    private final int maxLength;
    private final int topK;

    private VqaTranslator(Builder b) {
        this.vocabulary = b.vocabulary;
        this.transform = new AlbefTransform(b.imageSize);
        this.tokenizer = b.tokenizer != null ? b.tokenizer : FiberTokenizer.roberta();
        this.maxLength = b.maxLength;
        this.topK = b.topK;
    }

    /**
     * @param vocabulary the answer list of the checkpoint
     * @param imageSize the model's input resolution ({@code image_size}; 576 for the official VQA evaluation)
     * @param maxLength the model's {@code max_text_len}
     * @return a builder (top 5 answers)
     */
    public static Builder builder(AnswerVocabulary vocabulary, int imageSize, int maxLength) {
        return new Builder(vocabulary, imageSize, maxLength);
    }

    /** @return a translator for several questions about one image, with the same settings */
    public VqaQuestionsTranslator questionsTranslator() {
        return new VqaQuestionsTranslator(vocabulary, transform, tokenizer, maxLength, topK);
    }

    @Override
    public NDList processInput(TranslatorContext ctx, VqaQuery input) {
        NDArray[] text = TaskInputs.text(tokenizer, input.question(), maxLength, "question", ctx.getNDManager());
        return new NDList(TaskInputs.image(input.image(), transform, ctx.getNDManager()), text[0], text[1]);
    }

    @Override
    public VqaPrediction processOutput(TranslatorContext ctx, NDList list) {
        return answers(list.singletonOrThrow().toFloatArray(), vocabulary, topK);
    }

    /**
     * @param logits one question's {@code vqa_logits}
     * @param vocabulary the answers
     * @param k how many to return
     * @return the k most probable answers, best first (ties: lower class first)
     */
    static VqaPrediction answers(float[] logits, AnswerVocabulary vocabulary, int k) {
        if (logits.length != vocabulary.size()) {
            throw new IllegalStateException("the model has " + logits.length + " VQA classes but the vocabulary " + vocabulary.size());
        }
        int n = Math.min(k, logits.length);
        int[] idx = new int[n];
        float[] val = new float[n];
        int filled = 0;
        for (int j = 0; j < logits.length; j++) {
            float x = logits[j];
            if (filled == n && !(x > val[n - 1])) {
                continue;
            }
            int p = filled == n ? n - 1 : filled;
            while (p > 0 && x > val[p - 1]) {
                val[p] = val[p - 1];
                idx[p] = idx[p - 1];
                p--;
            }
            val[p] = x;
            idx[p] = j;
            if (filled < n) {
                filled++;
            }
        }
        List<VqaAnswer> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new VqaAnswer(vocabulary.answer(idx[i]), idx[i], (float) (1.0 / (1.0 + Math.exp(-val[i])))));
        }
        return new VqaPrediction(out);
    }

    /** Builder of {@link VqaTranslator}. */
    public static final class Builder {
        private final AnswerVocabulary vocabulary;
        private final int imageSize;
        private final int maxLength;
        private FiberTokenizer tokenizer;
        private int topK = 5;

        private Builder(AnswerVocabulary vocabulary, int imageSize, int maxLength) {
            this.vocabulary = Objects.requireNonNull(vocabulary, "vocabulary");
            this.imageSize = imageSize;
            this.maxLength = maxLength;
        }

        /**
         * @param k number of answers to return (default 5)
         * @return this builder
         */
        public Builder optTopK(int k) {
            if (k < 1) {
                throw new IllegalArgumentException("topK must be >= 1, got " + k);
            }
            this.topK = k;
            return this;
        }

        /**
         * @param t tokenizer (default: roberta-base)
         * @return this builder
         */
        public Builder optTokenizer(FiberTokenizer t) {
            this.tokenizer = t;
            return this;
        }

        /** @return the translator */
        public VqaTranslator build() {
            return new VqaTranslator(this);
        }

        /** @return a translator for several questions about one image with the same settings */
        public VqaQuestionsTranslator buildForQuestions() {
            return new VqaQuestionsTranslator(vocabulary, new AlbefTransform(imageSize), tokenizer != null ? tokenizer : FiberTokenizer.roberta(),
                    maxLength, topK);
        }
    }
}
