package dev.fiber.tasks.vqa;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds the VQA answer vocabulary from VQAv2 annotation files the way FIBER's
 * {@code utils/write_vqa.make_arrow} does: every annotation's {@code multiple_choice_answer} of the train
 * file, then of the val file, is normalised with {@link VqaAnswerNormalizer}; answers seen at least
 * {@link #OFFICIAL_MIN_COUNT} times (over train + val together) become classes, ordered by their first
 * appearance in that concatenated sequence. With the official {@code v2_mscoco_train2014_annotations.json}
 * and {@code v2_mscoco_val2014_annotations.json} this yields the 3129 classes of FIBER's VQA head.
 *
 * <p>Only {@code multiple_choice_answer} counts; the ten annotator answers do not (they are used, raw,
 * for the soft targets: {@link VqaTargets}).
 */
public final class VqaVocabularyBuilder {

    /** The official frequency threshold: an answer must be the majority answer of at least 9 questions. */
    public static final int OFFICIAL_MIN_COUNT = 9;

    private final Map<String, long[]> counts = new LinkedHashMap<>();
    private long annotations;

    /** Creates an empty builder. */
    public VqaVocabularyBuilder() {}

    /**
     * Counts one raw {@code multiple_choice_answer} (normalised here).
     *
     * @param multipleChoiceAnswer the raw answer
     * @return this builder
     */
    public VqaVocabularyBuilder add(String multipleChoiceAnswer) {
        String normalized = VqaAnswerNormalizer.normalize(multipleChoiceAnswer);
        counts.computeIfAbsent(normalized, k -> new long[1])[0]++;
        annotations++;
        return this;
    }

    /**
     * Counts the {@code multiple_choice_answer} of every annotation of a file, in file order.
     *
     * @param annotationFile a VQAv2 annotation JSON file
     * @return the number of annotations read from it
     * @throws IOException if the file cannot be read or is not an annotation file
     */
    public long addFile(Path annotationFile) throws IOException {
        return VqaAnnotationReader.forEach(annotationFile, a -> add(a.multipleChoiceAnswer()));
    }

    /** @return the number of answers counted so far */
    public long annotationCount() {
        return annotations;
    }

    /** @return the number of distinct normalised answers counted so far */
    public int distinctAnswerCount() {
        return counts.size();
    }

    /**
     * @param minCount keep the answers counted at least this many times
     * @return the kept answers, in order of first appearance
     * @throws IllegalStateException if no answer reaches {@code minCount}
     */
    public AnswerVocabulary build(int minCount) {
        List<String> kept = new ArrayList<>();
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            if (e.getValue()[0] >= minCount) {
                kept.add(e.getKey());
            }
        }
        if (kept.isEmpty()) {
            throw new IllegalStateException("no answer appears at least " + minCount + " times among the "
                    + annotations + " annotations counted");
        }
        return AnswerVocabulary.of(kept);
    }

    /** @return {@link #build(int)} with the official threshold {@value #OFFICIAL_MIN_COUNT} */
    public AnswerVocabulary build() {
        return build(OFFICIAL_MIN_COUNT);
    }

    /**
     * The whole official procedure: train file, then val file, threshold 9.
     *
     * @param trainAnnotations {@code v2_mscoco_train2014_annotations.json}
     * @param valAnnotations   {@code v2_mscoco_val2014_annotations.json}
     * @return the vocabulary
     * @throws IOException if a file cannot be read
     */
    public static AnswerVocabulary fromOfficialFiles(Path trainAnnotations, Path valAnnotations) throws IOException {
        VqaVocabularyBuilder b = new VqaVocabularyBuilder();
        b.addFile(trainAnnotations);
        b.addFile(valAnnotations);
        return b.build();
    }
}
