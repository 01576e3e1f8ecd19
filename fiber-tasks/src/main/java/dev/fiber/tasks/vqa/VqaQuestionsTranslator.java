package dev.fiber.tasks.vqa;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import dev.fiber.core.image.AlbefTransform;
import dev.fiber.core.text.FiberTokenizer;
import dev.fiber.tasks.common.TaskInputs;
import java.util.ArrayList;
import java.util.List;

/**
 * DJL translator for several questions about one image ({@link VqaQuestions} to
 * {@link VqaPredictions}): one image and k questions go to the {@link VqaBlock} together, which
 * computes the image's uni-modal bottom once. Build it with {@link VqaTranslator.Builder#buildForQuestions()}.
 *
 * <p>Immutable and thread-safe; a {@code Predictor} is not (one predictor per thread).
 */
public final class VqaQuestionsTranslator implements NoBatchifyTranslator<VqaQuestions, VqaPredictions> {

    private final AnswerVocabulary vocabulary;
    private final AlbefTransform transform;
    private final FiberTokenizer tokenizer;
    private final int maxLength;
    private final int topK;

    VqaQuestionsTranslator(AnswerVocabulary vocabulary, AlbefTransform transform, FiberTokenizer tokenizer, int maxLength, int topK) {
        this.vocabulary = vocabulary;
        this.transform = transform;
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
        this.topK = topK;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, VqaQuestions input) {
        NDArray[] text = TaskInputs.texts(tokenizer, input.questions(), maxLength, "question", ctx.getNDManager());
        NDArray image = TaskInputs.image(input.image(), transform, ctx.getNDManager()).expandDims(0);
        return new NDList(image, text[0], text[1]);
    }

    @Override
    public VqaPredictions processOutput(TranslatorContext ctx, NDList list) {
        NDArray logits = list.singletonOrThrow();
        int k = (int) logits.getShape().get(0);
        int c = (int) logits.getShape().get(1);
        float[] all = logits.toFloatArray();
        List<VqaPrediction> out = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            float[] row = new float[c];
            System.arraycopy(all, i * c, row, 0, c);
            out.add(VqaTranslator.answers(row, vocabulary, topK));
        }
        return new VqaPredictions(out);
    }
}
