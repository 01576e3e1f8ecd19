package dev.fiber.tasks.retrieval;

import ai.djl.Model;
import ai.djl.modality.cv.Image;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorFactory;
import ai.djl.util.Pair;
import dev.fiber.core.image.RgbImage;
import dev.fiber.core.text.FiberTokenizer;
import dev.fiber.tasks.common.AdaptedTranslator;
import dev.fiber.tasks.common.DjlImages;
import dev.fiber.tasks.common.TaskArguments;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Set;

/**
 * Creates the retrieval translators: {@code (RgbImage, float[])} and DJL {@code (Image, float[])}
 * image embeddings ({@link ImageEmbeddingTranslator}), {@code (String, float[])} text embeddings
 * ({@link TextEmbeddingTranslator}), {@code (ItmPair, ItmScore)} ({@link ItmTranslator}) and
 * {@code (ItmQuery, ItmScores)} ({@link ItmQueryTranslator}; argument {@code useCache}, default true).
 * Image size and text length come from the model's {@code imageSize} / {@code maxTextLen} properties.
 */
public final class RetrievalTranslatorFactory implements TranslatorFactory {

    @Override
    public Set<Pair<Type, Type>> getSupportedTypes() {
        return Set.of(new Pair<>(RgbImage.class, float[].class), new Pair<>(Image.class, float[].class),
                new Pair<>(String.class, float[].class), new Pair<>(ItmPair.class, ItmScore.class),
                new Pair<>(ItmQuery.class, ItmScores.class));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <I, O> Translator<I, O> newInstance(Class<I> input, Class<O> output, Model model, Map<String, ?> arguments)
            throws TranslateException {
        if (!isSupported(input, output)) {
            throw new TranslateException("retrieval has no translator from " + input.getName() + " to " + output.getName());
        }
        String size = model.getProperty("imageSize");
        String len = model.getProperty("maxTextLen");
        if (size == null || len == null) {
            throw new TranslateException("model " + model.getName() + " has no imageSize / maxTextLen properties (not a FiberTaskModel?)");
        }
        int imageSize = Integer.parseInt(size);
        int maxLen = Integer.parseInt(len);
        FiberTokenizer tok = FiberTokenizer.roberta();
        Translator<?, ?> t;
        if (input == RgbImage.class) {
            t = new ImageEmbeddingTranslator(imageSize);
        } else if (input == Image.class) {
            t = new AdaptedTranslator<Image, RgbImage, float[]>(DjlImages::toRgb, new ImageEmbeddingTranslator(imageSize));
        } else if (input == String.class) {
            t = new TextEmbeddingTranslator(tok, maxLen);
        } else if (input == ItmPair.class) {
            t = new ItmTranslator(imageSize, tok, maxLen);
        } else {
            t = new ItmQueryTranslator(imageSize, tok, maxLen, TaskArguments.boolArg(arguments, "useCache", true));
        }
        return (Translator<I, O>) t;
    }
}
