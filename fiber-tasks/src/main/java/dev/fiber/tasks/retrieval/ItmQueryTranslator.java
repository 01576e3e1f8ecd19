package dev.fiber.tasks.retrieval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import dev.fiber.core.image.AlbefTransform;
import dev.fiber.core.text.FiberTokenizer;
import dev.fiber.tasks.common.TaskInputs;
import java.util.ArrayList;
import java.util.List;

/**
 * DJL translator scoring an {@link ItmQuery} (one image against k texts, one text against k images,
 * or aligned pairs) in one forward pass of a {@link RetrievalBlock}; the single side's uni-modal
 * bottom is computed once unless the cache is switched off. Immutable and thread-safe.
 */
public final class ItmQueryTranslator implements NoBatchifyTranslator<ItmQuery, ItmScores> {

    private final AlbefTransform transform;
    private final FiberTokenizer tokenizer;
    private final int maxLength;
    private final boolean useCache;

    /**
     * @param imageSize the model's input resolution
     * @param tokenizer the tokenizer
     * @param maxLength the model's {@code max_text_len}
     * @param useCache compute the single side's uni-modal bottom once (default in
     *     {@link RetrievalTranslatorFactory}: true); false recomputes it for every pair
     */
    public ItmQueryTranslator(int imageSize, FiberTokenizer tokenizer, int maxLength, boolean useCache) {
        this.transform = new AlbefTransform(imageSize);
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
        this.useCache = useCache;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, ItmQuery input) {
        NDManager m = ctx.getNDManager();
        NDArray images = TaskInputs.images(input.images(), transform, m);
        NDArray[] t = TaskInputs.texts(tokenizer, input.texts(), maxLength, "text", m);
        return new NDList(images, t[0], t[1], m.create(new long[] {useCache ? 1 : 0}));
    }

    @Override
    public ItmScores processOutput(TranslatorContext ctx, NDList list) {
        float[] l = list.singletonOrThrow().toFloatArray();
        List<ItmScore> out = new ArrayList<>(l.length / 2);
        for (int i = 0; i < l.length; i += 2) {
            out.add(ItmScore.of(l[i], l[i + 1]));
        }
        return new ItmScores(out);
    }
}
