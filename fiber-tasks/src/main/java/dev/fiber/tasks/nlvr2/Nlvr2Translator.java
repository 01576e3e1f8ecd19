package dev.fiber.tasks.nlvr2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import dev.fiber.core.image.AlbefTransform;
import dev.fiber.core.text.FiberTokenizer;
import dev.fiber.tasks.common.TaskInputs;

/**
 * DJL translator from an {@link Nlvr2Query} to an {@link Nlvr2Prediction}, for a model whose block is
 * an {@link Nlvr2Block}; preprocessing as the official evaluation ({@code albef_transform},
 * RoBERTa tokenizer to {@code max_text_len}). Batchable. Immutable and thread-safe.
 */
public final class Nlvr2Translator implements Translator<Nlvr2Query, Nlvr2Prediction> {

    private final AlbefTransform transform;
    private final FiberTokenizer tokenizer;
    private final int maxLength;

    /**
     * @param imageSize the model's input resolution ({@code image_size}, 384 for {@code fiber-nlvr2})
     * @param tokenizer the tokenizer
     * @param maxLength the model's {@code max_text_len}
     */
    public Nlvr2Translator(int imageSize, FiberTokenizer tokenizer, int maxLength) {
        this.transform = new AlbefTransform(imageSize);
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, Nlvr2Query input) {
        NDArray[] t = TaskInputs.text(tokenizer, input.statement(), maxLength, "statement", ctx.getNDManager());
        return new NDList(TaskInputs.image(input.left(), transform, ctx.getNDManager()),
                TaskInputs.image(input.right(), transform, ctx.getNDManager()), t[0], t[1]);
    }

    @Override
    public Nlvr2Prediction processOutput(TranslatorContext ctx, NDList list) {
        float[] l = list.singletonOrThrow().toFloatArray();
        return Nlvr2Prediction.of(l[0], l[1]);
    }
}
