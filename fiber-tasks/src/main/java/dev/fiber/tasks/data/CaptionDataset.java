package dev.fiber.tasks.data;

import dev.fiber.core.text.FiberTokenizer;
import dev.fiber.tasks.retrieval.KarpathyDataset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Image-caption pairs of a Karpathy split file ({@link KarpathyDataset}, COCO or Flickr30k) as a
 * {@link SampleSource}, the counterpart of the official {@code CocoCaptionKarpathyDataset} /
 * {@code F30KCaptionKarpathyDataset} used for retrieval (ITC/ITM) and captioning fine-tuning: one sample per distinct caption of each
 * image (the official {@code remove_duplicate=True}; order of first appearance is kept here, Python's
 * {@code set} order is arbitrary). Thread-safe if the image source is.
 */
public final class CaptionDataset implements SampleSource<ImageTextItem> {

    /**
     * Splits the official COCO/Flickr30k caption datasets train on: {@code train} + {@code val}
     * ({@code coco_caption_karpathy_dataset.py}: "removing restval does not hurt the model performance").
     */
    public static final List<String> OFFICIAL_TRAIN_SPLITS = List.of("train", "val");
    /** Split the official caption datasets validate and test on. */
    public static final List<String> OFFICIAL_TEST_SPLITS = List.of("test");

    private final List<KarpathyDataset.Image> imagesMeta;
    private final int[] imageOf;
    private final String[] captionOf;
    private final ImageSource images;
    private final ImageTransform transform;
    private final FiberTokenizer tokenizer;
    private final int maxTextLen;

    /**
     * @param karpathyImages images with captions (e.g. {@code KarpathyDataset.read(file).split("train", "val")}, see
     *     {@link #OFFICIAL_TRAIN_SPLITS})
     * @param images         where the image files are
     * @param transform      image transform
     * @param tokenizer      the RoBERTa tokenizer
     * @param maxTextLen     padded caption length
     */
    public CaptionDataset(List<KarpathyDataset.Image> karpathyImages, ImageSource images, ImageTransform transform,
            FiberTokenizer tokenizer, int maxTextLen) {
        this.imagesMeta = List.copyOf(Objects.requireNonNull(karpathyImages, "karpathyImages"));
        this.images = Objects.requireNonNull(images, "images");
        this.transform = Objects.requireNonNull(transform, "transform");
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        if (maxTextLen < 2) {
            throw new IllegalArgumentException("max text length must be >= 2, got " + maxTextLen);
        }
        this.maxTextLen = maxTextLen;
        List<Integer> img = new ArrayList<>();
        List<String> caps = new ArrayList<>();
        for (int i = 0; i < imagesMeta.size(); i++) {
            LinkedHashSet<String> distinct = new LinkedHashSet<>();
            for (KarpathyDataset.Sentence sentence : imagesMeta.get(i).sentences()) {
                distinct.add(sentence.raw());
            }
            for (String c : distinct) {
                img.add(i);
                caps.add(c);
            }
        }
        this.imageOf = img.stream().mapToInt(Integer::intValue).toArray();
        this.captionOf = caps.toArray(new String[0]);
    }

    /** @return the images */
    public List<KarpathyDataset.Image> images() {
        return imagesMeta;
    }

    /**
     * @param sampleIndex a sample (caption) index
     * @return the index of its image in {@link #images()}
     */
    public int imageIndexOf(int sampleIndex) {
        return imageOf[sampleIndex];
    }

    /**
     * @param sampleIndex a sample index
     * @return its caption
     */
    public String captionOf(int sampleIndex) {
        return captionOf[sampleIndex];
    }

    @Override
    public int size() {
        return captionOf.length;
    }

    @Override
    public ImageTextItem load(int index, RandomGenerator rng) throws Exception {
        KarpathyDataset.Image im = imagesMeta.get(imageOf[index]);
        float[] x = transform.apply(images.read(im.relativePath()), rng);
        return ImageTextItem.of(index, x, transform.size(), captionOf[index], tokenizer, maxTextLen);
    }

    @Override
    public String describe(int index) {
        KarpathyDataset.Image im = imagesMeta.get(imageOf[index]);
        return "caption sample " + index + " (image " + im.relativePath() + ", imgid " + im.imgId() + " in " + images.describe() + ")";
    }

    /** @return the collator */
    public Collator<ImageTextItem, ImageTextBatch> collator() {
        return ImageTextBatch::collate;
    }
}
