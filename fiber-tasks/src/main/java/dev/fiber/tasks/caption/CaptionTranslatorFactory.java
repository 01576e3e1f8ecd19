package dev.fiber.tasks.caption;

import ai.djl.Model;
import ai.djl.modality.cv.Image;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorFactory;
import ai.djl.util.Pair;
import dev.fiber.core.image.RgbImage;
import dev.fiber.tasks.common.AdaptedTranslator;
import dev.fiber.tasks.common.DjlImages;
import dev.fiber.tasks.common.TaskArguments;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Set;

/**
 * Creates {@link CaptionTranslator}s for {@code (RgbImage, Caption)} and DJL's {@code (Image, Caption)}.
 * Arguments: {@code beamSize} (5), {@code greedy} (false), {@code maxLength} (0 = the model's),
 * {@code incremental} (true); the image size comes from the model's {@code imageSize} property.
 */
public final class CaptionTranslatorFactory implements TranslatorFactory {

    @Override
    public Set<Pair<Type, Type>> getSupportedTypes() {
        return Set.of(new Pair<>(RgbImage.class, Caption.class), new Pair<>(Image.class, Caption.class));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <I, O> Translator<I, O> newInstance(Class<I> input, Class<O> output, Model model, Map<String, ?> arguments)
            throws TranslateException {
        if (!isSupported(input, output)) {
            throw new TranslateException("captioning has no translator from " + input.getName() + " to " + output.getName());
        }
        String size = model.getProperty("imageSize");
        if (size == null) {
            throw new TranslateException("model " + model.getName() + " has no imageSize property (not a FiberTaskModel?)");
        }
        CaptionTranslator t;
        try {
            t = CaptionTranslator.builder(Integer.parseInt(size))
                    .optBeamSize(TaskArguments.intArg(arguments, "beamSize", CaptionSearch.OFFICIAL_BEAM_SIZE))
                    .optGreedy(TaskArguments.boolArg(arguments, "greedy", false))
                    .optMaxLength(TaskArguments.intArg(arguments, "maxLength", 0))
                    .optIncremental(TaskArguments.boolArg(arguments, "incremental", true))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new TranslateException(e.getMessage(), e);
        }
        if (input == Image.class) {
            return (Translator<I, O>) new AdaptedTranslator<Image, RgbImage, Caption>(DjlImages::toRgb, t);
        }
        return (Translator<I, O>) t;
    }
}
