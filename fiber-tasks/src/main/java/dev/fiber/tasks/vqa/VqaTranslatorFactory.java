package dev.fiber.tasks.vqa;

import ai.djl.Model;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorFactory;
import ai.djl.util.Pair;
import dev.fiber.tasks.common.FiberTaskModel;
import dev.fiber.tasks.common.TaskArguments;
import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Creates VQA translators for {@code (VqaQuery, VqaPrediction)} ({@link VqaTranslator}) and
 * {@code (VqaQuestions, VqaPredictions)} ({@link VqaQuestionsTranslator}). Arguments:
 * {@code vocabulary} (answer list file; default: found next to the checkpoint, see
 * {@link VqaVocabularies}), {@code topK} (5). Image size and text length come from the model.
 */
public final class VqaTranslatorFactory implements TranslatorFactory {

    @Override
    public Set<Pair<Type, Type>> getSupportedTypes() {
        return Set.of(new Pair<>(VqaQuery.class, VqaPrediction.class), new Pair<>(VqaQuestions.class, VqaPredictions.class));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <I, O> Translator<I, O> newInstance(Class<I> input, Class<O> output, Model model, Map<String, ?> arguments)
            throws TranslateException {
        if (!isSupported(input, output)) {
            throw new TranslateException("VQA has no translator from " + input.getName() + " to " + output.getName());
        }
        if (!(model instanceof FiberTaskModel fm)) {
            throw new TranslateException("VQA translators need a FiberTaskModel, got " + model.getClass().getName());
        }
        String vocab = TaskArguments.stringArg(arguments, "vocabulary");
        AnswerVocabulary v;
        try {
            v = VqaVocabularies.find(vocab == null ? null : Path.of(vocab), fm.checkpoint(), fm.fiberModel().config().vqav2LabelSize());
        } catch (IOException e) {
            throw new TranslateException(e.getMessage(), e);
        }
        VqaTranslator.Builder b = VqaTranslator.builder(v, fm.fiberModel().config().imageSize(), fm.fiberModel().config().maxTextLen())
                .optTopK(TaskArguments.intArg(arguments, "topK", 5));
        return (Translator<I, O>) (input == VqaQuery.class ? b.build() : b.buildForQuestions());
    }
}
