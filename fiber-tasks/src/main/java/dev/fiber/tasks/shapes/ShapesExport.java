package dev.fiber.tasks.shapes;

import com.google.gson.stream.JsonWriter;
import dev.fiber.core.image.RgbImage;
import dev.fiber.tasks.data.VqaV2Reader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.imageio.ImageIO;

/**
 * Writes generated examples in the VQAv2 file layout, so the ordinary VQA reader
 * ({@link VqaV2Reader}) and data set consume them:
 * <pre>
 * DIR/images/shapes_000000.png ...   the rendered scenes (PNG, lossless)
 * DIR/questions.json                 {"data_subtype": SPLIT, "image_name_pattern": "images/shapes_%06d.png",
 *                                     "questions": [{"image_id", "question", "question_id"}, ...]}
 * DIR/annotations.json               {"annotations": [{"question_id", "image_id", "question_type",
 *                                     "answer_type", "multiple_choice_answer", "answers": [10 x {"answer",
 *                                     "answer_confidence", "answer_id"}]}, ...]}
 * DIR/answers.txt                    the answer vocabulary, one per line (line index = class index)
 * </pre>
 * Image id and question id are the example index. {@code image_name_pattern} is the project's
 * extension of the questions file (VQAv2 derives COCO file names from {@code data_subtype}).
 */
public final class ShapesExport {

    /** File name pattern of the exported images (relative to the output folder). */
    public static final String IMAGE_NAME_PATTERN = "images/shapes_%06d.png";
    /** Identical annotator answers written per question (VQAv2 has ten; the answer's soft score is 1). */
    public static final int ANSWERS_PER_QUESTION = 10;
    /** Questions file name. */
    public static final String QUESTIONS_FILE = "questions.json";
    /** Annotations file name. */
    public static final String ANNOTATIONS_FILE = "annotations.json";
    /** Answer vocabulary file name. */
    public static final String ANSWERS_FILE = "answers.txt";

    private ShapesExport() {}

    /**
     * Writes the examples (creating the folder; existing files of the same names are replaced).
     *
     * @param samples the examples
     * @param outDir  output folder
     * @param split   the {@code data_subtype} to record (e.g. {@code "train"}, {@code "val"})
     * @throws IOException if a file cannot be written
     */
    public static void write(List<ShapesSample> samples, Path outDir, String split) throws IOException {
        Objects.requireNonNull(samples, "samples");
        Objects.requireNonNull(outDir, "outDir");
        Objects.requireNonNull(split, "split");
        Files.createDirectories(outDir.resolve("images"));
        for (ShapesSample s : samples) {
            writePng(s.image(), outDir.resolve(ShapesDataset.imageName(s.index())));
        }
        try (Writer w = Files.newBufferedWriter(outDir.resolve(QUESTIONS_FILE), StandardCharsets.UTF_8);
                JsonWriter j = new JsonWriter(w)) {
            j.setIndent(" ");
            j.beginObject();
            j.name("info").beginObject()
                    .name("description").value("FIBER-for-the-JVM procedural shapes VQA data set (fiber shapes-generate)")
                    .endObject();
            j.name("task_type").value("Open-Ended");
            j.name("data_type").value("shapes");
            j.name("data_subtype").value(split);
            j.name(VqaV2Reader.IMAGE_NAME_PATTERN_FIELD).value(IMAGE_NAME_PATTERN);
            j.name("questions").beginArray();
            for (ShapesSample s : samples) {
                j.beginObject().name("image_id").value(s.index()).name("question").value(s.question())
                        .name("question_id").value(s.index()).endObject();
            }
            j.endArray();
            j.endObject();
        }
        try (Writer w = Files.newBufferedWriter(outDir.resolve(ANNOTATIONS_FILE), StandardCharsets.UTF_8);
                JsonWriter j = new JsonWriter(w)) {
            j.setIndent(" ");
            j.beginObject();
            j.name("data_type").value("shapes");
            j.name("data_subtype").value(split);
            j.name("annotations").beginArray();
            for (ShapesSample s : samples) {
                j.beginObject();
                j.name("question_id").value(s.index());
                j.name("image_id").value(s.index());
                j.name("question_type").value(s.type().key());
                j.name("answer_type").value(s.type().answerType());
                j.name("multiple_choice_answer").value(s.answer());
                j.name("answers").beginArray();
                for (int a = 1; a <= ANSWERS_PER_QUESTION; a++) {
                    j.beginObject().name("answer").value(s.answer()).name("answer_confidence").value("yes")
                            .name("answer_id").value(a).endObject();
                }
                j.endArray();
                j.endObject();
            }
            j.endArray();
            j.endObject();
        }
        ShapesDataset.answerVocabulary().write(outDir.resolve(ANSWERS_FILE));
    }

    /**
     * Counts answers per question family and overall.
     *
     * @param questions planned or rendered examples' (type, answer) pairs
     * @return a text summary with the majority-answer baseline
     */
    public static String summary(List<ShapesQuestion> questions) {
        Map<String, Integer> answers = new TreeMap<>();
        Map<QuestionType, Integer> types = new TreeMap<>();
        for (ShapesQuestion q : questions) {
            answers.merge(q.answer(), 1, Integer::sum);
            types.merge(q.type(), 1, Integer::sum);
        }
        int n = Math.max(1, questions.size());
        String top = answers.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("-");
        double baseline = answers.isEmpty() ? 0 : 100.0 * answers.get(top) / n;
        StringBuilder sb = new StringBuilder();
        sb.append(questions.size()).append(" questions; types ").append(types)
                .append(String.format(Locale.ROOT, "; majority answer '%s' = %.1f%%", top, baseline));
        return sb.toString();
    }

    private static void writePng(RgbImage img, Path file) throws IOException {
        if (!ImageIO.write(img.toBufferedImage(), "png", file.toFile())) {
            throw new IOException("no PNG writer available for " + file);
        }
    }
}
