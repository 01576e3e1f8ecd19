package dev.fiber.tasks.nlvr2;

import ai.djl.Model;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorFactory;
import ai.djl.util.Pair;
import dev.fiber.core.text.FiberTokenizer;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Set;

/**
 * Creates {@link Nlvr2Translator}s for {@code (Nlvr2Query, Nlvr2Prediction)}; image size and text
 * length come from the model's {@code imageSize} / {@code maxTextLen} properties.
 */
public final class Nlvr2TranslatorFactory implements TranslatorFactory {

    @Override
    public Set<Pair<Type, Type>> getSupportedTypes() {
        return Set.of(new Pair<>(Nlvr2Query.class, Nlvr2Prediction.class));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <I, O> Translator<I, O> newInstance(Class<I> input, Class<O> output, Model model, Map<String, ?> arguments)
            throws TranslateException {
        if (!isSupported(input, output)) {
            throw new TranslateException("NLVR2 has no translator from " + input.getName() + " to " + output.getName());
        }
        String size = model.getProperty("imageSize");
        String len = model.getProperty("maxTextLen");
        if (size == null || len == null) {
            throw new TranslateException("model " + model.getName() + " has no imageSize / maxTextLen properties (not a FiberTaskModel?)");
        }
        return (Translator<I, O>) new Nlvr2Translator(Integer.parseInt(size), FiberTokenizer.roberta(), Integer.parseInt(len));
    }
}
