package dev.fiber.tasks.data;

import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Reads Karpathy's caption split files ({@code {"images": [{"filepath", "filename", "split", "imgid",
 * "cocoid", "sentences": [{"raw", ...}]}]}}), the input of the official
 * {@code write_coco_karpathy.py} / {@code write_f30k_karpathy.py}. Streaming, so the 150 MB COCO file
 * is read without building a tree.
 *
 * <p>The official data modules train on {@code train} + {@code val} (COCO's {@code restval} is left
 * out) and validate/test on {@code test}: see {@link #OFFICIAL_TRAIN_SPLITS}.
 */
public final class KarpathyReader {

    /** Splits the official caption/retrieval datasets train on ({@code restval} is not used). */
    public static final Set<String> OFFICIAL_TRAIN_SPLITS = Set.of("train", "val");
    /** Split the official caption/retrieval datasets validate and test on. */
    public static final Set<String> OFFICIAL_TEST_SPLITS = Set.of("test");

    private KarpathyReader() {}

    /**
     * @param json a Karpathy split file
     * @return every image in file order
     * @throws IOException if the file is missing or malformed
     */
    public static List<KarpathyImage> read(Path json) throws IOException {
        Objects.requireNonNull(json, "json");
        List<KarpathyImage> out = null;
        try (JsonReader r = JsonFiles.open(json)) {
            r.beginObject();
            while (r.hasNext()) {
                if (!r.nextName().equals("images")) {
                    r.skipValue();
                    continue;
                }
                out = new ArrayList<>();
                r.beginArray();
                while (r.hasNext()) {
                    out.add(readImage(r));
                }
                r.endArray();
            }
            r.endObject();
        } catch (IOException | IllegalStateException | IllegalArgumentException e) {
            throw JsonFiles.failure(json, e);
        }
        if (out == null) {
            throw new IOException(json.toAbsolutePath() + " has no \"images\" array (not a Karpathy split file?)");
        }
        return out;
    }

    /**
     * @param json   a Karpathy split file
     * @param splits the splits to keep (e.g. {@link #OFFICIAL_TRAIN_SPLITS})
     * @return the images of those splits in file order
     * @throws IOException if the file is missing or malformed
     */
    public static List<KarpathyImage> read(Path json, Collection<String> splits) throws IOException {
        Set<String> keep = Set.copyOf(splits);
        List<KarpathyImage> out = new ArrayList<>();
        for (KarpathyImage im : read(json)) {
            if (keep.contains(im.split())) {
                out.add(im);
            }
        }
        return out;
    }

    private static KarpathyImage readImage(JsonReader r) throws IOException {
        String fileName = null;
        String filePath = "";
        String split = null;
        Long imgid = null;
        Long cocoid = null;
        List<String> captions = new ArrayList<>();
        r.beginObject();
        while (r.hasNext()) {
            switch (r.nextName()) {
                case "filename":
                    fileName = r.nextString();
                    break;
                case "filepath":
                    filePath = JsonFiles.stringOrNumber(r, "");
                    break;
                case "split":
                    split = r.nextString();
                    break;
                case "imgid":
                    imgid = JsonFiles.longValue(r);
                    break;
                case "cocoid":
                    cocoid = JsonFiles.longValue(r);
                    break;
                case "sentences":
                    r.beginArray();
                    while (r.hasNext()) {
                        String raw = null;
                        r.beginObject();
                        while (r.hasNext()) {
                            if (r.nextName().equals("raw")) {
                                raw = r.nextString();
                            } else {
                                r.skipValue();
                            }
                        }
                        r.endObject();
                        if (raw == null) {
                            throw new IOException("sentence without \"raw\" at " + r.getPath());
                        }
                        captions.add(raw);
                    }
                    r.endArray();
                    break;
                default:
                    r.skipValue();
            }
        }
        r.endObject();
        if (fileName == null || split == null) {
            throw new IOException("image at " + r.getPath() + " lacks filename or split");
        }
        long id = cocoid != null ? cocoid : imgid != null ? imgid : -1;
        KarpathyImage im = new KarpathyImage(fileName, filePath, split, id, captions);
        ImageSource.checkName(im.imagePath());
        return im;
    }
}
