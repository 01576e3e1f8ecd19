package dev.fiber.tasks.retrieval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import dev.fiber.core.text.FiberTokenizer;
import dev.fiber.tasks.common.TaskInputs;

/**
 * DJL translator from a text to its L2-normalised ITC embedding (official
 * {@code infer(text_only=True)["cls_feats"]}), for a {@link RetrievalBlock} model. Batchable.
 * Immutable and thread-safe.
 */
public final class TextEmbeddingTranslator implements Translator<String, float[]> {

    private final FiberTokenizer tokenizer;
    private final int maxLength;

    /**
     * @param tokenizer the tokenizer
     * @param maxLength the model's {@code max_text_len}
     */
    public TextEmbeddingTranslator(FiberTokenizer tokenizer, int maxLength) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, String input) {
        NDArray[] t = TaskInputs.text(tokenizer, input, maxLength, "text", ctx.getNDManager());
        return new NDList(t[0], t[1]);
    }

    @Override
    public float[] processOutput(TranslatorContext ctx, NDList list) {
        return list.singletonOrThrow().toFloatArray();
    }
}
