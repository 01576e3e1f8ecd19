package dev.fiber.tasks.data;

import dev.fiber.core.text.FiberTokenizer;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * NLVR2 as a {@link SampleSource}, the counterpart of the official {@code NLVR2Dataset}: one sample per
 * statement, with both images of its pair through the dataset's transform (each with its own random
 * draws, left first) and the statement tokenised. Official splits: train = {@code train.json};
 * validation and test = {@code dev.json} + {@code test1.json}. Thread-safe if the image source is.
 *
 * <p>Unlike the official loader, which silently replaces an unreadable sample by a random other one,
 * a failure here is reported ({@link SampleLoadException}) so broken data is noticed.
 */
public final class Nlvr2Dataset implements SampleSource<Nlvr2Item> {

    private final List<Nlvr2Example> examples;
    private final ImageSource images;
    private final ImageTransform transform;
    private final FiberTokenizer tokenizer;
    private final int maxTextLen;

    /**
     * @param examples   the statements
     * @param images     the NLVR2 image root (folder or zip)
     * @param transform  image transform
     * @param tokenizer  the RoBERTa tokenizer
     * @param maxTextLen padded statement length
     */
    public Nlvr2Dataset(List<Nlvr2Example> examples, ImageSource images, ImageTransform transform,
            FiberTokenizer tokenizer, int maxTextLen) {
        this.examples = List.copyOf(Objects.requireNonNull(examples, "examples"));
        this.images = Objects.requireNonNull(images, "images");
        this.transform = Objects.requireNonNull(transform, "transform");
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        if (maxTextLen < 2) {
            throw new IllegalArgumentException("max text length must be >= 2, got " + maxTextLen);
        }
        this.maxTextLen = maxTextLen;
    }

    /** @return the statements */
    public List<Nlvr2Example> examples() {
        return examples;
    }

    @Override
    public int size() {
        return examples.size();
    }

    @Override
    public Nlvr2Item load(int index, RandomGenerator rng) throws Exception {
        Nlvr2Example ex = examples.get(index);
        float[] left = transform.apply(images.read(ex.leftImage()), rng);
        float[] right = transform.apply(images.read(ex.rightImage()), rng);
        ImageTextItem input = ImageTextItem.of(index, left, transform.size(), ex.sentence(), tokenizer, maxTextLen);
        return new Nlvr2Item(input, right, ex.label(), ex.identifier());
    }

    @Override
    public String describe(int index) {
        Nlvr2Example ex = examples.get(index);
        return "NLVR2 sample " + index + " (" + ex.identifier() + ", images " + ex.leftImage() + " / " + ex.rightImage()
                + " in " + images.describe() + ")";
    }

    /** @return the collator */
    public Collator<Nlvr2Item, Nlvr2Batch> collator() {
        return Nlvr2Batch::collate;
    }
}
