package dev.fiber.tasks.data;

import dev.fiber.core.image.RgbImage;
import dev.fiber.core.text.FiberTokenizer;
import dev.fiber.tasks.vqa.AnswerVocabulary;
import dev.fiber.tasks.vqa.VqaTargets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * VQAv2 as a {@link SampleSource}: the Java counterpart of the official {@code VQAv2Dataset}. Each
 * sample is one question: its image through the dataset's {@link ImageTransform}, the question
 * tokenised to {@code max_text_len}, and (with an answer vocabulary) the labels and soft scores of
 * its answers ({@link VqaTargets#of}).
 *
 * <p>Official split composition: training uses {@code train2014} + {@code val2014} questions that have
 * at least one answer in the vocabulary ({@link #withTargets}), validation {@code val2014}, testing
 * {@code test2015} without answers. Thread-safe if the image source is.
 */
public final class VqaDataset implements SampleSource<VqaItem> {

    private final List<VqaQuestion> questions;
    private final ImageSource images;
    private final ImageTransform transform;
    private final FiberTokenizer tokenizer;
    private final int maxTextLen;
    private final AnswerVocabulary vocabulary;

    /**
     * @param questions  the questions
     * @param images     where their images are
     * @param transform  image transform ({@code albef_randaug} for training, {@code albef} otherwise)
     * @param tokenizer  the RoBERTa tokenizer
     * @param maxTextLen padded question length ({@code max_text_len}: 50 in FIBER's VQA fine-tuning)
     * @param vocabulary the answer vocabulary, or {@code null} for no targets
     */
    public VqaDataset(List<VqaQuestion> questions, ImageSource images, ImageTransform transform,
            FiberTokenizer tokenizer, int maxTextLen, AnswerVocabulary vocabulary) {
        this.questions = List.copyOf(Objects.requireNonNull(questions, "questions"));
        this.images = Objects.requireNonNull(images, "images");
        this.transform = Objects.requireNonNull(transform, "transform");
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        if (maxTextLen < 2) {
            throw new IllegalArgumentException("max text length must be >= 2, got " + maxTextLen);
        }
        this.maxTextLen = maxTextLen;
        this.vocabulary = vocabulary;
    }

    /**
     * The official training filter: keeps annotated questions with at least one answer in the
     * vocabulary.
     *
     * @param questions  the questions
     * @param vocabulary the answer vocabulary
     * @return the questions that have targets, in order
     */
    public static List<VqaQuestion> withTargets(List<VqaQuestion> questions, AnswerVocabulary vocabulary) {
        Objects.requireNonNull(vocabulary, "vocabulary");
        List<VqaQuestion> out = new ArrayList<>();
        for (VqaQuestion q : questions) {
            if (q.annotated() && !VqaTargets.of(q.answers(), vocabulary).isEmpty()) {
                out.add(q);
            }
        }
        return out;
    }

    /** @return the questions */
    public List<VqaQuestion> questions() {
        return questions;
    }

    /** @return the number of answer classes (0 without a vocabulary) */
    public int numClasses() {
        return vocabulary == null ? 0 : vocabulary.size();
    }

    @Override
    public int size() {
        return questions.size();
    }

    @Override
    public VqaItem load(int index, RandomGenerator rng) throws Exception {
        VqaQuestion q = questions.get(index);
        RgbImage img = images.read(q.imagePath());
        float[] x = transform.apply(img, rng);
        ImageTextItem input = ImageTextItem.of(index, x, transform.size(), q.question(), tokenizer, maxTextLen);
        VqaTargets.Target targets = vocabulary != null && q.annotated() ? VqaTargets.of(q.answers(), vocabulary) : null;
        return new VqaItem(input, targets, q.questionId());
    }

    @Override
    public String describe(int index) {
        VqaQuestion q = questions.get(index);
        return "VQA sample " + index + " (question " + q.questionId() + ", image " + q.imagePath() + " in "
                + images.describe() + ")";
    }

    /** @return a collator producing {@link VqaBatch}es with this dataset's number of classes */
    public Collator<VqaItem, VqaBatch> collator() {
        int n = numClasses();
        return items -> VqaBatch.collate(items, n);
    }
}
