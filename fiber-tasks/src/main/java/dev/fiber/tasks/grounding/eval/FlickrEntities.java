package dev.fiber.tasks.grounding.eval;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fiber.core.text.CharSpan;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Flickr30k Entities in MDETR's COCO-style format ({@code final_flickr_separateGT_{train,val,test}.json}
 * or the {@code mergedGT} variant), the annotation files FIBER's fine-grained evaluation uses.
 *
 * <p>Each {@code images} entry is one sentence: {@code caption}, {@code original_img_id},
 * {@code sentence_id} and {@code tokens_positive_eval}, one list of character spans per phrase that has
 * boxes, in caption order. Each {@code annotations} entry is one box ({@code bbox = [x, y, w, h]},
 * {@code (x, y, x + w, y + h)} being the original XML corners) with the spans of every phrase it belongs to
 * ({@code tokens_positive}). A phrase's ground truth is every box of its sentence whose
 * {@code tokens_positive} contains one of the phrase's spans. MDETR's conversion merged boxes of a sentence
 * that overlap with IoU >= 0.95 into one annotation (keeping one of their coordinates); that is inherited.
 * Spans are Python string indices (code points) and are converted to Java indices. Sentences without a
 * phrase to evaluate are skipped, as the official evaluator does; phrase categories (people, clothing, ...)
 * are not in these files, so only the overall recall can be computed from them.
 */
public final class FlickrEntities {

    private FlickrEntities() {}

    /**
     * @param json the annotation file
     * @return the sentences with at least one phrase, in file order
     * @throws IOException if the file cannot be read or is not in this format
     */
    public static List<FlickrSentence> read(Path json) throws IOException {
        if (!Files.isRegularFile(json)) {
            throw new IOException("annotation file not found: " + json.toAbsolutePath());
        }
        try (Reader r = Files.newBufferedReader(json, StandardCharsets.UTF_8)) {
            return parse(JsonParser.parseReader(r), json.toString());
        } catch (RuntimeException e) {
            throw new IOException("cannot read Flickr30k Entities annotations " + json + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param root the parsed file
     * @param source name for messages
     * @return the sentences with at least one phrase
     * @throws IOException if the content is not in this format
     */
    static List<FlickrSentence> parse(JsonElement root, String source) throws IOException {
        if (!root.isJsonObject() || !root.getAsJsonObject().has("images") || !root.getAsJsonObject().has("annotations")) {
            throw new IOException(source + " is not a COCO-style file (no images / annotations)");
        }
        JsonObject o = root.getAsJsonObject();
        Map<Long, List<JsonObject>> annsByImage = new HashMap<>();
        for (JsonElement e : o.getAsJsonArray("annotations")) {
            JsonObject a = e.getAsJsonObject();
            annsByImage.computeIfAbsent(a.get("image_id").getAsLong(), k -> new ArrayList<>()).add(a);
        }
        List<FlickrSentence> out = new ArrayList<>();
        for (JsonElement e : o.getAsJsonArray("images")) {
            JsonObject img = e.getAsJsonObject();
            long id = img.get("id").getAsLong();
            if (!img.has("tokens_positive_eval") || !img.has("caption")) {
                throw new IOException(source + ": image " + id + " has no caption / tokens_positive_eval;"
                        + " not an MDETR Flickr30k Entities file");
            }
            String caption = img.get("caption").getAsString();
            List<JsonObject> anns = annsByImage.getOrDefault(id, List.of());
            List<FlickrPhrase> phrases = new ArrayList<>();
            for (JsonElement p : img.getAsJsonArray("tokens_positive_eval")) {
                List<long[]> raw = spans(p.getAsJsonArray());
                List<CharSpan> spans = new ArrayList<>();
                for (long[] s : raw) {
                    spans.add(CharSpan.fromCodePoints(caption, (int) s[0], (int) s[1]));
                }
                List<double[]> boxes = new ArrayList<>();
                for (JsonObject a : anns) {
                    if (sharesSpan(spans(a.getAsJsonArray("tokens_positive")), raw)) {
                        JsonArray b = a.getAsJsonArray("bbox");
                        double x = b.get(0).getAsDouble();
                        double y = b.get(1).getAsDouble();
                        boxes.add(new double[] {x, y, x + b.get(2).getAsDouble(), y + b.get(3).getAsDouble()});
                    }
                }
                if (boxes.isEmpty()) {
                    throw new IOException(source + ": phrase " + raw.stream().map(s -> "[" + s[0] + ", " + s[1] + "]")
                            .toList() + " of image " + id + " ('" + caption + "') has no box");
                }
                phrases.add(new FlickrPhrase(List.copyOf(spans), List.copyOf(boxes)));
            }
            if (phrases.isEmpty()) {
                continue;
            }
            out.add(new FlickrSentence(id, img.has("file_name") ? img.get("file_name").getAsString() : "",
                    img.has("width") ? img.get("width").getAsInt() : 0, img.has("height") ? img.get("height").getAsInt() : 0,
                    caption, img.has("original_img_id") ? img.get("original_img_id").getAsString() : Long.toString(id),
                    img.has("sentence_id") ? img.get("sentence_id").getAsInt() : 0, List.copyOf(phrases)));
        }
        return out;
    }

    private static List<long[]> spans(JsonArray a) {
        List<long[]> out = new ArrayList<>();
        for (JsonElement e : a) {
            JsonArray s = e.getAsJsonArray();
            out.add(new long[] {s.get(0).getAsLong(), s.get(1).getAsLong()});
        }
        return out;
    }

    private static boolean sharesSpan(List<long[]> a, List<long[]> b) {
        for (long[] x : a) {
            for (long[] y : b) {
                if (x[0] == y[0] && x[1] == y[1]) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Groups a score-sorted detection list by phrase, keeping the order (FIBER's
     * {@code flickr_post_process}): entry i holds the boxes of label i+1.
     *
     * @param labels 1-based phrase label per detection, detections sorted by descending score
     * @param boxes {@code (x1, y1, x2, y2)} per detection
     * @param phrases number of phrases
     * @return ranked boxes per phrase
     */
    public static List<List<double[]>> rankedByPhrase(long[] labels, List<double[]> boxes, int phrases) {
        List<List<double[]>> out = new ArrayList<>();
        for (int i = 0; i < phrases; i++) {
            out.add(new ArrayList<>());
        }
        for (int i = 0; i < labels.length; i++) {
            int p = (int) labels[i] - 1;
            if (p < 0 || p >= phrases) {
                throw new IllegalArgumentException("label " + labels[i] + " outside 1.." + phrases);
            }
            out.get(p).add(boxes.get(i));
        }
        return out;
    }
}
