package dev.fiber.tasks.common;

import ai.djl.ndarray.NDList;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A translator that converts its input type first (e.g. DJL's {@code Image} to {@code RgbImage}) and
 * then delegates everything to another translator.
 *
 * @param <A> accepted input type
 * @param <I> the delegate's input type
 * @param <O> output type
 */
public final class AdaptedTranslator<A, I, O> implements Translator<A, O> {

    private final Function<A, I> convert;
    private final Translator<I, O> delegate;

    /**
     * @param convert input conversion
     * @param delegate the translator doing the work
     */
    public AdaptedTranslator(Function<A, I> convert, Translator<I, O> delegate) {
        this.convert = convert;
        this.delegate = delegate;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, A input) throws Exception {
        return delegate.processInput(ctx, convert.apply(input));
    }

    @Override
    public NDList batchProcessInput(TranslatorContext ctx, List<A> inputs) throws Exception {
        List<I> converted = new ArrayList<>(inputs.size());
        for (A a : inputs) {
            converted.add(convert.apply(a));
        }
        return delegate.batchProcessInput(ctx, converted);
    }

    @Override
    public O processOutput(TranslatorContext ctx, NDList list) throws Exception {
        return delegate.processOutput(ctx, list);
    }

    @Override
    public List<O> batchProcessOutput(TranslatorContext ctx, NDList list) throws Exception {
        return delegate.batchProcessOutput(ctx, list);
    }

    @Override
    public Batchifier getBatchifier() {
        return delegate.getBatchifier();
    }

    @Override
    public void prepare(TranslatorContext ctx) throws Exception {
        delegate.prepare(ctx);
    }
}
