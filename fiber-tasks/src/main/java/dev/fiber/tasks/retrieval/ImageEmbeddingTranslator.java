package dev.fiber.tasks.retrieval;

import ai.djl.ndarray.NDList;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import dev.fiber.core.image.AlbefTransform;
import dev.fiber.core.image.RgbImage;
import dev.fiber.tasks.common.TaskInputs;

/**
 * DJL translator from an image to its L2-normalised ITC embedding (official
 * {@code infer(image_only=True)["cls_feats"]}), for a {@link RetrievalBlock} model. Batchable.
 * Immutable and thread-safe.
 */
public final class ImageEmbeddingTranslator implements Translator<RgbImage, float[]> {

    private final AlbefTransform transform;

    /**
     * @param imageSize the model's input resolution
     */
    public ImageEmbeddingTranslator(int imageSize) {
        this.transform = new AlbefTransform(imageSize);
    }

    @Override
    public NDList processInput(TranslatorContext ctx, RgbImage input) {
        return new NDList(TaskInputs.image(input, transform, ctx.getNDManager()));
    }

    @Override
    public float[] processOutput(TranslatorContext ctx, NDList list) {
        return list.singletonOrThrow().toFloatArray();
    }
}
