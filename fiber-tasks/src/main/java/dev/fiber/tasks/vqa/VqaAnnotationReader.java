package dev.fiber.tasks.vqa;

import com.google.gson.JsonParseException;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Streams the {@code "annotations"} array of a VQAv2 annotation JSON file (the format of
 * {@code v2_mscoco_*_annotations.json}, the input of FIBER's {@code utils/write_vqa.py}) without building
 * the whole document in memory: the official train file is about 330 MB.
 *
 * <p>Only {@code question_id}, {@code image_id}, {@code multiple_choice_answer} and
 * {@code answers[].answer} are read; every other field is skipped. A missing {@code annotations} array or a
 * missing {@code multiple_choice_answer} is reported with the file name and the entry's index.
 */
public final class VqaAnnotationReader {

    private VqaAnnotationReader() {}

    /**
     * Calls {@code sink} for every annotation of the file, in file order.
     *
     * @param file an annotation JSON file
     * @param sink receives each annotation
     * @return the number of annotations read
     * @throws IOException if the file cannot be read or is not a VQAv2 annotation file
     */
    public static long forEach(Path file, Consumer<VqaAnnotation> sink) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "VQA annotation file not found");
        }
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                JsonReader json = new JsonReader(in)) {
            if (json.peek() != JsonToken.BEGIN_OBJECT) {
                throw new IOException(file + ": not a VQA annotation file (top level is not a JSON object)");
            }
            json.beginObject();
            long count = -1;
            while (json.hasNext()) {
                String name = json.nextName();
                if (name.equals("annotations")) {
                    count = readAnnotations(file, json, sink);
                } else {
                    json.skipValue();
                }
            }
            json.endObject();
            if (count < 0) {
                throw new IOException(file + ": not a VQA annotation file (no \"annotations\" array)");
            }
            return count;
        } catch (JsonParseException | IllegalStateException e) {
            throw new IOException(file + ": malformed VQA annotation JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Reads all annotations of a file into a list (convenient for small files).
     *
     * @param file an annotation JSON file
     * @return the annotations in file order
     * @throws IOException if the file cannot be read or is not a VQAv2 annotation file
     */
    public static List<VqaAnnotation> readAll(Path file) throws IOException {
        List<VqaAnnotation> out = new ArrayList<>();
        forEach(file, out::add);
        return out;
    }

    private static long readAnnotations(Path file, JsonReader json, Consumer<VqaAnnotation> sink) throws IOException {
        if (json.peek() != JsonToken.BEGIN_ARRAY) {
            throw new IOException(file + ": \"annotations\" is not an array");
        }
        json.beginArray();
        long index = 0;
        while (json.hasNext()) {
            sink.accept(readOne(file, json, index));
            index++;
        }
        json.endArray();
        return index;
    }

    private static VqaAnnotation readOne(Path file, JsonReader json, long index) throws IOException {
        if (json.peek() != JsonToken.BEGIN_OBJECT) {
            throw new IOException(file + ": annotations[" + index + "] is not an object");
        }
        json.beginObject();
        long questionId = -1;
        long imageId = -1;
        String mca = null;
        List<String> answers = new ArrayList<>();
        while (json.hasNext()) {
            String name = json.nextName();
            switch (name) {
                case "question_id" -> questionId = json.nextLong();
                case "image_id" -> imageId = json.nextLong();
                case "multiple_choice_answer" -> mca = readString(file, json, index, name);
                case "answers" -> readAnswers(file, json, index, answers);
                default -> json.skipValue();
            }
        }
        json.endObject();
        if (mca == null) {
            throw new IOException(file + ": annotations[" + index + "] (question_id " + questionId
                    + ") has no \"multiple_choice_answer\"");
        }
        return new VqaAnnotation(questionId, imageId, mca, answers);
    }

    private static void readAnswers(Path file, JsonReader json, long index, List<String> answers) throws IOException {
        json.beginArray();
        while (json.hasNext()) {
            json.beginObject();
            String answer = null;
            while (json.hasNext()) {
                String name = json.nextName();
                if (name.equals("answer")) {
                    answer = readString(file, json, index, "answers[].answer");
                } else {
                    json.skipValue();
                }
            }
            json.endObject();
            if (answer == null) {
                throw new IOException(file + ": annotations[" + index + "] has an answer without \"answer\"");
            }
            answers.add(answer);
        }
        json.endArray();
    }

    private static String readString(Path file, JsonReader json, long index, String field) throws IOException {
        if (json.peek() != JsonToken.STRING) {
            throw new IOException(file + ": annotations[" + index + "]." + field + " is not a string but "
                    + json.peek());
        }
        return json.nextString();
    }
}
