package dev.fiber.tasks.data;

import com.google.gson.stream.JsonReader;
import dev.fiber.tasks.vqa.VqaAnnotation;
import dev.fiber.tasks.vqa.VqaAnnotationReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Reads VQAv2's JSON files (the inputs of the official {@code write_vqa.py}): a questions file
 * ({@code {"data_subtype": "val2014", "questions": [{"image_id", "question", "question_id"}, ...]}})
 * and, for train/val, the matching annotations file (read with
 * {@link VqaAnnotationReader}: {@code question_id}, {@code image_id}, {@code multiple_choice_answer},
 * {@code answers[].answer}). Both are parsed in a streaming fashion (the train annotations are ~330 MB).
 *
 * <p>Image paths follow COCO's naming: {@code {folder}/COCO_{folder}_{image_id:012d}.jpg} where the
 * folder is the data subtype, except that {@code test-dev2015} questions use the {@code test2015}
 * images (as in {@code write_vqa.py}). A questions file may instead carry a top-level
 * {@code "image_name_pattern"} (a {@link String#format} pattern applied to the image id, e.g.
 * {@code "images/shapes_%08d.png"}), a project extension used by generated data sets such as
 * {@code fiber shapes-generate}.
 */
public final class VqaV2Reader {

    /** The project's optional top-level field of a questions file naming image files. */
    public static final String IMAGE_NAME_PATTERN_FIELD = "image_name_pattern";

    private VqaV2Reader() {}

    /**
     * COCO image path of a VQAv2 image.
     *
     * @param dataSubtype the questions file's {@code data_subtype}
     * @param imageId     COCO image id
     * @return e.g. {@code val2014/COCO_val2014_000000391895.jpg}
     */
    public static String cocoImagePath(String dataSubtype, long imageId) {
        String folder = dataSubtype.startsWith("test-dev") ? "test" + dataSubtype.substring("test-dev".length()) : dataSubtype;
        return folder + "/" + String.format(Locale.ROOT, "COCO_%s_%012d.jpg", folder, imageId);
    }

    /**
     * Reads questions and (optionally) annotations.
     *
     * @param questionsJson   the questions file
     * @param annotationsJson the annotations file, or {@code null} for unannotated (test) splits
     * @return the questions in file order, with answers when annotations are given
     * @throws IOException if a file is missing or malformed, or the files do not match (a question
     *     without annotation, an annotation for an unknown question, image ids that disagree)
     */
    public static VqaV2Split read(Path questionsJson, Path annotationsJson) throws IOException {
        Objects.requireNonNull(questionsJson, "questionsJson");
        RawQuestions raw = readQuestions(questionsJson);
        Map<Long, VqaAnnotation> annotations = annotationsJson == null ? Map.of() : readAnnotations(annotationsJson);
        List<VqaQuestion> out = new ArrayList<>(raw.questions.size());
        int matched = 0;
        for (RawQuestion q : raw.questions) {
            String path = raw.pattern != null
                    ? String.format(Locale.ROOT, raw.pattern, q.imageId)
                    : cocoImagePath(raw.subtype, q.imageId);
            ImageSource.checkName(path);
            VqaAnnotation a = annotations.get(q.questionId);
            if (annotationsJson != null && a == null) {
                throw new IOException("question " + q.questionId + " of " + questionsJson + " has no annotation in "
                        + annotationsJson + " (do the files belong to the same split?)");
            }
            if (a == null) {
                out.add(new VqaQuestion(q.questionId, q.imageId, path, q.question, "", List.of()));
                continue;
            }
            matched++;
            if (a.imageId() != q.imageId) {
                throw new IOException("question " + q.questionId + ": image_id " + q.imageId + " in " + questionsJson
                        + " but " + a.imageId() + " in " + annotationsJson);
            }
            out.add(new VqaQuestion(q.questionId, q.imageId, path, q.question, a.multipleChoiceAnswer(), a.answers()));
        }
        if (annotationsJson != null && matched != annotations.size()) {
            throw new IOException(annotationsJson + " has " + annotations.size() + " annotations but only " + matched
                    + " match questions of " + questionsJson);
        }
        return new VqaV2Split(raw.subtype, out);
    }

    private record RawQuestion(long questionId, long imageId, String question) {}

    private record RawQuestions(String subtype, String pattern, List<RawQuestion> questions) {}

    private static RawQuestions readQuestions(Path path) throws IOException {
        String subtype = null;
        String pattern = null;
        List<RawQuestion> questions = null;
        try (JsonReader r = JsonFiles.open(path)) {
            r.beginObject();
            while (r.hasNext()) {
                String key = r.nextName();
                switch (key) {
                    case "data_subtype":
                        subtype = JsonFiles.stringOrNumber(r, null);
                        break;
                    case IMAGE_NAME_PATTERN_FIELD:
                        pattern = r.nextString();
                        break;
                    case "questions":
                        questions = new ArrayList<>();
                        r.beginArray();
                        while (r.hasNext()) {
                            questions.add(readQuestion(r));
                        }
                        r.endArray();
                        break;
                    default:
                        r.skipValue();
                }
            }
            r.endObject();
        } catch (IOException | IllegalStateException | IllegalArgumentException e) {
            throw JsonFiles.failure(path, e);
        }
        if (questions == null) {
            throw new IOException(path.toAbsolutePath() + " has no \"questions\" array (not a VQAv2 questions file?)");
        }
        if (subtype == null && pattern == null) {
            throw new IOException(path.toAbsolutePath() + " has neither \"data_subtype\" nor \"" + IMAGE_NAME_PATTERN_FIELD
                    + "\": cannot name the images");
        }
        if (pattern != null) {
            try {
                String.format(Locale.ROOT, pattern, 1L);
            } catch (java.util.IllegalFormatException e) {
                throw new IOException(path.toAbsolutePath() + ": bad " + IMAGE_NAME_PATTERN_FIELD + " '" + pattern + "': "
                        + e.getMessage(), e);
            }
        }
        return new RawQuestions(subtype == null ? "" : subtype, pattern, questions);
    }

    private static RawQuestion readQuestion(JsonReader r) throws IOException {
        Long qid = null;
        Long iid = null;
        String text = null;
        r.beginObject();
        while (r.hasNext()) {
            switch (r.nextName()) {
                case "question_id":
                    qid = JsonFiles.longValue(r);
                    break;
                case "image_id":
                    iid = JsonFiles.longValue(r);
                    break;
                case "question":
                    text = r.nextString();
                    break;
                default:
                    r.skipValue();
            }
        }
        r.endObject();
        if (qid == null || iid == null || text == null) {
            throw new IOException("question at " + r.getPath() + " lacks question_id, image_id or question");
        }
        return new RawQuestion(qid, iid, text);
    }

    private static Map<Long, VqaAnnotation> readAnnotations(Path path) throws IOException {
        Map<Long, VqaAnnotation> out = new HashMap<>();
        long[] duplicate = {Long.MIN_VALUE};
        VqaAnnotationReader.forEach(path, a -> {
            if (out.put(a.questionId(), a) != null && duplicate[0] == Long.MIN_VALUE) {
                duplicate[0] = a.questionId();
            }
        });
        if (duplicate[0] != Long.MIN_VALUE) {
            throw new IOException(path + ": question " + duplicate[0] + " is annotated twice");
        }
        return out;
    }
}
