package dev.fiber.tasks.grounding.eval;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A COCO-format detection ground truth ({@code instances_*.json}): images, categories and box annotations.
 *
 * @param images images
 * @param categories categories sorted by id (the order FIBER builds its detection prompt in)
 * @param annotations annotations in file order
 */
public record CocoGroundTruth(List<Image> images, List<Category> categories, List<Annotation> annotations) {

    /**
     * @param id image id
     * @param fileName file name
     * @param width width
     * @param height height
     */
    public record Image(long id, String fileName, int width, int height) {}

    /**
     * @param id category id
     * @param name category name
     */
    public record Category(long id, String name) {}

    /**
     * @param id annotation id
     * @param imageId image id
     * @param categoryId category id
     * @param bbox {@code [x, y, w, h]}
     * @param area the annotation's {@code area} (for COCO the segment area, used for the size ranges)
     * @param iscrowd whether it is a crowd region
     */
    public record Annotation(long id, long imageId, long categoryId, double[] bbox, double area, boolean iscrowd) {}

    /**
     * @param json a COCO-format file
     * @return its content
     * @throws IOException if the file cannot be read or lacks images / categories / annotations
     */
    public static CocoGroundTruth read(Path json) throws IOException {
        if (!Files.isRegularFile(json)) {
            throw new IOException("annotation file not found: " + json.toAbsolutePath());
        }
        try (Reader r = Files.newBufferedReader(json, StandardCharsets.UTF_8)) {
            return parse(JsonParser.parseReader(r), json.toString());
        } catch (RuntimeException e) {
            throw new IOException("cannot read COCO annotations " + json + ": " + e.getMessage(), e);
        }
    }

    static CocoGroundTruth parse(JsonElement root, String source) throws IOException {
        if (!root.isJsonObject()) {
            throw new IOException(source + " is not a JSON object");
        }
        JsonObject o = root.getAsJsonObject();
        for (String k : new String[] {"images", "categories", "annotations"}) {
            if (!o.has(k)) {
                throw new IOException(source + " has no '" + k + "': not a COCO detection file");
            }
        }
        List<Image> images = new ArrayList<>();
        for (JsonElement e : o.getAsJsonArray("images")) {
            JsonObject i = e.getAsJsonObject();
            images.add(new Image(i.get("id").getAsLong(), i.has("file_name") ? i.get("file_name").getAsString() : "",
                    i.has("width") ? i.get("width").getAsInt() : 0, i.has("height") ? i.get("height").getAsInt() : 0));
        }
        List<Category> cats = new ArrayList<>();
        for (JsonElement e : o.getAsJsonArray("categories")) {
            JsonObject c = e.getAsJsonObject();
            cats.add(new Category(c.get("id").getAsLong(), c.get("name").getAsString()));
        }
        cats.sort(Comparator.comparingLong(Category::id));
        List<Annotation> anns = new ArrayList<>();
        for (JsonElement e : o.getAsJsonArray("annotations")) {
            JsonObject a = e.getAsJsonObject();
            double[] b = bbox(a.getAsJsonArray("bbox"));
            anns.add(new Annotation(a.get("id").getAsLong(), a.get("image_id").getAsLong(), a.get("category_id").getAsLong(),
                    b, a.has("area") ? a.get("area").getAsDouble() : b[2] * b[3],
                    a.has("iscrowd") && a.get("iscrowd").getAsInt() != 0));
        }
        return new CocoGroundTruth(List.copyOf(images), List.copyOf(cats), List.copyOf(anns));
    }

    /**
     * Reads detections in the COCO results format ({@code [{"image_id", "category_id", "bbox", "score"}]}).
     *
     * @param json the results file
     * @return the detections
     * @throws IOException if the file cannot be read
     */
    public static List<CocoDetection> readDetections(Path json) throws IOException {
        try (Reader r = Files.newBufferedReader(json, StandardCharsets.UTF_8)) {
            JsonElement root = JsonParser.parseReader(r);
            if (!root.isJsonArray()) {
                throw new IOException(json + " is not a COCO results list");
            }
            List<CocoDetection> out = new ArrayList<>();
            for (JsonElement e : root.getAsJsonArray()) {
                JsonObject d = e.getAsJsonObject();
                out.add(new CocoDetection(d.get("image_id").getAsLong(), d.get("category_id").getAsLong(),
                        bbox(d.getAsJsonArray("bbox")), d.get("score").getAsDouble()));
            }
            return out;
        } catch (RuntimeException e) {
            throw new IOException("cannot read COCO results " + json + ": " + e.getMessage(), e);
        }
    }

    private static double[] bbox(JsonArray a) {
        if (a == null || a.size() != 4) {
            throw new IllegalArgumentException("bbox must have 4 numbers, got " + a);
        }
        return new double[] {a.get(0).getAsDouble(), a.get(1).getAsDouble(), a.get(2).getAsDouble(), a.get(3).getAsDouble()};
    }
}
