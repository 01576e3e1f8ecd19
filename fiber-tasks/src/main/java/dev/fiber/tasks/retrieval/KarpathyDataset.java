package dev.fiber.tasks.retrieval;

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
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The Karpathy split files ({@code dataset_coco.json}, {@code dataset_flickr30k.json}) that FIBER's
 * {@code utils/write_coco_karpathy.py} / {@code write_f30k_karpathy.py} read: a list of images, each with a
 * {@code split} ({@code train}, {@code restval}, {@code val}, {@code test}) and its {@code sentences}; FIBER
 * uses each sentence's {@code raw} text. Read with a streaming parser (the COCO file is about 140 MB).
 *
 * @param dataset the file's {@code dataset} field ({@code coco}, {@code flickr30k}, ...; empty if absent)
 * @param images  the images in file order
 */
public record KarpathyDataset(String dataset, List<Image> images) {

    /** Copies. */
    public KarpathyDataset {
        images = List.copyOf(images);
    }

    /**
     * One caption.
     *
     * @param sentId {@code sentid}
     * @param raw    the raw caption text (what FIBER tokenises)
     * @param tokens Karpathy's lower-cased tokens
     */
    public record Sentence(long sentId, String raw, List<String> tokens) {
        /** Copies. */
        public Sentence {
            tokens = List.copyOf(tokens);
        }
    }

    /**
     * One image.
     *
     * @param imgId     {@code imgid} (index in the file)
     * @param filepath  {@code filepath} (COCO: {@code train2014} / {@code val2014}; null for Flickr30k)
     * @param filename  {@code filename}, the key FIBER's writers use
     * @param split     {@code split}
     * @param cocoId    {@code cocoid}, or -1 when absent
     * @param sentences the captions, in file order
     */
    public record Image(long imgId, String filepath, String filename, String split, long cocoId,
            List<Sentence> sentences) {
        /** Copies. */
        public Image {
            sentences = List.copyOf(sentences);
        }

        /** @return {@code filepath/filename}, or the file name alone when there is no filepath */
        public String relativePath() {
            return filepath == null || filepath.isEmpty() ? filename : filepath + "/" + filename;
        }
    }

    /**
     * An evaluation gallery: the images of some splits and all their captions, flattened, with the
     * caption → image mapping that {@code dev.fiber.tasks.metrics.RetrievalRecall} needs.
     *
     * @param images          the images, in file order
     * @param captions        every caption's raw text, image by image
     * @param captionImageIdx for each caption, the index of its image in {@code images}
     */
    public record Gallery(List<Image> images, List<String> captions, int[] captionImageIdx) {
        /** Copies. */
        public Gallery {
            images = List.copyOf(images);
            captions = List.copyOf(captions);
            captionImageIdx = captionImageIdx.clone();
        }

        /** @return image ids 0..n-1 (the row numbers), for {@code RetrievalRecall} */
        public long[] imageIds() {
            long[] ids = new long[images.size()];
            Arrays.setAll(ids, i -> i);
            return ids;
        }

        /** @return for each caption, its image's row, for {@code RetrievalRecall} */
        public long[] captionImageIds() {
            long[] ids = new long[captionImageIdx.length];
            Arrays.setAll(ids, i -> captionImageIdx[i]);
            return ids;
        }
    }

    /**
     * Reads a Karpathy split file.
     *
     * @param file {@code dataset_coco.json} or {@code dataset_flickr30k.json}
     * @return its content
     * @throws IOException if the file cannot be read or lacks the {@code images} list / required fields
     */
    public static KarpathyDataset read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "Karpathy split file not found");
        }
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8); JsonReader json = new JsonReader(in)) {
            if (json.peek() != JsonToken.BEGIN_OBJECT) {
                throw new IOException(file + ": not a Karpathy split file (top level is not an object)");
            }
            json.beginObject();
            String dataset = "";
            List<Image> images = null;
            while (json.hasNext()) {
                String name = json.nextName();
                if (name.equals("images")) {
                    images = readImages(file, json);
                } else if (name.equals("dataset") && json.peek() == JsonToken.STRING) {
                    dataset = json.nextString();
                } else {
                    json.skipValue();
                }
            }
            json.endObject();
            if (images == null) {
                throw new IOException(file + ": not a Karpathy split file (no \"images\" list)");
            }
            return new KarpathyDataset(dataset, images);
        } catch (JsonParseException | IllegalStateException | NumberFormatException e) {
            throw new IOException(file + ": malformed Karpathy split JSON: " + e.getMessage(), e);
        }
    }

    /**
     * @param splits split names, e.g. {@code "test"}, or {@code "train", "val"} (FIBER trains on train + val,
     *     leaving restval out; see {@code CaptionDataset.OFFICIAL_TRAIN_SPLITS})
     * @return the images of those splits, in file order
     */
    public List<Image> split(String... splits) {
        Set<String> want = new LinkedHashSet<>(Arrays.asList(splits));
        List<Image> out = new ArrayList<>();
        for (Image im : images) {
            if (want.contains(im.split())) {
                out.add(im);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * The retrieval gallery of some splits (FIBER evaluates on {@code test}: 5000 COCO / 1000 Flickr30k
     * images, every caption of each; COCO has a few images with more than five).
     *
     * @param splits split names
     * @return images, captions and the caption → image mapping
     * @throws IllegalArgumentException if no image is in those splits
     */
    public Gallery gallery(String... splits) {
        List<Image> ims = split(splits);
        if (ims.isEmpty()) {
            throw new IllegalArgumentException("no image in split(s) " + Arrays.toString(splits) + " of "
                    + (dataset.isEmpty() ? "this file" : dataset));
        }
        List<String> caps = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        for (int i = 0; i < ims.size(); i++) {
            for (Sentence s : ims.get(i).sentences()) {
                caps.add(s.raw());
                owner.add(i);
            }
        }
        return new Gallery(ims, caps, owner.stream().mapToInt(Integer::intValue).toArray());
    }

    private static List<Image> readImages(Path file, JsonReader json) throws IOException {
        List<Image> images = new ArrayList<>();
        json.beginArray();
        while (json.hasNext()) {
            images.add(readImage(file, json, images.size()));
        }
        json.endArray();
        return images;
    }

    private static Image readImage(Path file, JsonReader json, int index) throws IOException {
        json.beginObject();
        long imgId = index;
        String filepath = null;
        String filename = null;
        String split = null;
        long cocoId = -1;
        List<Sentence> sentences = new ArrayList<>();
        while (json.hasNext()) {
            switch (json.nextName()) {
                case "imgid" -> imgId = json.nextLong();
                case "filepath" -> filepath = json.nextString();
                case "filename" -> filename = json.nextString();
                case "split" -> split = json.nextString();
                case "cocoid" -> cocoId = json.nextLong();
                case "sentences" -> {
                    json.beginArray();
                    while (json.hasNext()) {
                        sentences.add(readSentence(file, json, index));
                    }
                    json.endArray();
                }
                default -> json.skipValue();
            }
        }
        json.endObject();
        if (filename == null || split == null) {
            throw new IOException(file + ": images[" + index + "] lacks \"filename\" or \"split\"");
        }
        return new Image(imgId, filepath, filename, split, cocoId, sentences);
    }

    private static Sentence readSentence(Path file, JsonReader json, int imageIndex) throws IOException {
        json.beginObject();
        long sentId = -1;
        String raw = null;
        List<String> tokens = new ArrayList<>();
        while (json.hasNext()) {
            switch (json.nextName()) {
                case "sentid" -> sentId = json.nextLong();
                case "raw" -> raw = json.nextString();
                case "tokens" -> {
                    json.beginArray();
                    while (json.hasNext()) {
                        tokens.add(json.nextString());
                    }
                    json.endArray();
                }
                default -> json.skipValue();
            }
        }
        json.endObject();
        if (raw == null) {
            throw new IOException(file + ": a sentence of images[" + imageIndex + "] has no \"raw\" text");
        }
        return new Sentence(sentId, raw, tokens);
    }
}
