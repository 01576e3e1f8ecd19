package dev.fiber.tasks.finetune;

import dev.fiber.core.image.AlbefTransform;
import dev.fiber.core.image.RgbImage;
import dev.fiber.core.text.FiberTokenizer;
import dev.fiber.tasks.data.Collator;
import dev.fiber.tasks.data.ImageTextItem;
import dev.fiber.tasks.data.SampleSource;
import dev.fiber.tasks.data.VqaBatch;
import dev.fiber.tasks.data.VqaItem;
import dev.fiber.tasks.shapes.ShapesConfig;
import dev.fiber.tasks.shapes.ShapesDataset;
import dev.fiber.tasks.shapes.ShapesQuestion;
import dev.fiber.tasks.shapes.ShapesRenderer;
import dev.fiber.tasks.vqa.AnswerVocabulary;
import dev.fiber.tasks.vqa.VqaTargets;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The procedural shapes VQA data ({@link ShapesDataset}) as a VQA training / evaluation source, rendered
 * on demand: sample {@code i} is example {@code i} of the generator's {@code seed}, preprocessed like every
 * FIBER image ({@link AlbefTransform}: resize to the model resolution, normalise), its question tokenised
 * to {@code maxTextLen}, and its single answer as the soft target (score 1, as a VQAv2 question whose ten
 * annotators agree). Different seeds give disjoint, independent sets (training vs held-out).
 */
public final class ShapesVqaSource implements SampleSource<VqaItem> {

    private final long seed;
    private final int count;
    private final ShapesConfig shapes;
    private final AlbefTransform transform;
    private final FiberTokenizer tokenizer;
    private final int maxTextLen;
    private final AnswerVocabulary answers;
    private final int questionsPerImage;
    private final ThreadLocal<Rendered> lastImage = new ThreadLocal<>();

    /** The last image rendered on a thread: its example index and normalised pixels. */
    private record Rendered(int example, float[] pixels) {}

    /**
     * @param seed       generator seed
     * @param count      number of examples
     * @param shapes     generator settings (its image size is rendered, then resized to {@code imageSize})
     * @param imageSize  model input resolution
     * @param tokenizer  the RoBERTa tokenizer
     * @param maxTextLen padded question length
     */
    public ShapesVqaSource(long seed, int count, ShapesConfig shapes, int imageSize, FiberTokenizer tokenizer, int maxTextLen) {
        this(seed, count, shapes, imageSize, tokenizer, maxTextLen, 1);
    }

    /**
     * A source whose consecutive samples share images: sample {@code i} is question {@code i % k} about the
     * scene of example {@code i / k} ({@link ShapesDataset#planQuestion}), so a batch of {@code B * k}
     * unshuffled samples holds {@code B} images with {@code k} questions each, grouped.
     *
     * @param seed              generator seed
     * @param count             number of samples (questions)
     * @param shapes            generator settings
     * @param imageSize         model input resolution
     * @param tokenizer         the RoBERTa tokenizer
     * @param maxTextLen        padded question length
     * @param questionsPerImage {@code k}, &ge; 1
     */
    public ShapesVqaSource(long seed, int count, ShapesConfig shapes, int imageSize, FiberTokenizer tokenizer, int maxTextLen,
            int questionsPerImage) {
        if (questionsPerImage < 1) {
            throw new IllegalArgumentException("questions per image must be >= 1, got " + questionsPerImage);
        }
        this.questionsPerImage = questionsPerImage;
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        this.seed = seed;
        this.count = count;
        this.shapes = Objects.requireNonNull(shapes, "shapes");
        this.transform = new AlbefTransform(imageSize);
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.maxTextLen = maxTextLen;
        this.answers = ShapesDataset.answerVocabulary();
    }

    /** @return the answer vocabulary (class index = position in {@link ShapesDataset#ANSWERS}) */
    public AnswerVocabulary answers() {
        return answers;
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public VqaItem load(int index, RandomGenerator rng) {
        int example = index / questionsPerImage;
        ShapesQuestion s = ShapesDataset.planQuestion(seed, example, index % questionsPerImage, shapes);
        float[] pixels = pixels(example, s);
        ImageTextItem input = ImageTextItem.of(index, pixels, transform.size(), s.question(), tokenizer, maxTextLen);
        int label = answers.indexOf(s.answer());
        if (label < 0) {
            throw new IllegalStateException("generator answer '" + s.answer() + "' is not in the shapes vocabulary");
        }
        return new VqaItem(input, new VqaTargets.Target(new int[] {label}, new double[] {1.0}), index);
    }

    /** @return questions per image ({@code k}); consecutive groups of {@code k} samples share an image */
    public int questionsPerImage() {
        return questionsPerImage;
    }

    /** The normalised pixels of an example, reusing the last one rendered on this thread (shared by its questions). */
    private float[] pixels(int example, ShapesQuestion q) {
        Rendered last = lastImage.get();
        if (last != null && last.example() == example) {
            return last.pixels();
        }
        RgbImage img = ShapesRenderer.render(q.scene());
        float[] pixels = img.width() == transform.size() && img.height() == transform.size() ? AlbefTransform.normalize(img)
                : transform.apply(img);
        lastImage.set(new Rendered(example, pixels));
        return pixels;
    }

    @Override
    public String describe(int index) {
        return questionsPerImage == 1 ? "shapes example " + index + " of seed " + seed
                : "shapes question " + index % questionsPerImage + " of example " + index / questionsPerImage + " of seed " + seed;
    }

    /** @return a collator producing VQA batches over the shapes answer vocabulary */
    public Collator<VqaItem, VqaBatch> collator() {
        int n = answers.size();
        return items -> VqaBatch.collate(items, n);
    }
}
