package dev.fiber.tasks.retrieval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import dev.fiber.core.image.AlbefTransform;
import dev.fiber.core.text.FiberTokenizer;
import dev.fiber.tasks.common.TaskInputs;

/**
 * DJL translator from an image-text pair to its ITM score ({@link ItmScore}), for a
 * {@link RetrievalBlock} model. Batchable (pairs are fused row by row). Immutable and thread-safe.
 */
public final class ItmTranslator implements Translator<ItmPair, ItmScore> {

    private final AlbefTransform transform;
    private final FiberTokenizer tokenizer;
    private final int maxLength;

    /**
     * @param imageSize the model's input resolution
     * @param tokenizer the tokenizer
     * @param maxLength the model's {@code max_text_len}
     */
    public ItmTranslator(int imageSize, FiberTokenizer tokenizer, int maxLength) {
        this.transform = new AlbefTransform(imageSize);
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, ItmPair input) {
        NDArray[] t = TaskInputs.text(tokenizer, input.text(), maxLength, "text", ctx.getNDManager());
        return new NDList(TaskInputs.image(input.image(), transform, ctx.getNDManager()), t[0], t[1]);
    }

    @Override
    public ItmScore processOutput(TranslatorContext ctx, NDList list) {
        float[] l = list.singletonOrThrow().toFloatArray();
        return ItmScore.of(l[0], l[1]);
    }
}
