package dev.fiber.tasks.grounding.eval;

import dev.fiber.core.image.ImageDecoder;
import dev.fiber.core.image.RgbImage;
import dev.fiber.core.text.CharSpan;
import dev.fiber.core.util.ProgressBar;
import dev.fiber.tasks.grounding.FiberGrounder;
import dev.fiber.tasks.grounding.GroundingResult;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a {@link FiberGrounder} over an evaluation set, as FIBER's {@code inference} does for Flickr30k
 * Entities (grounding) and COCO-style detection, with a progress bar.
 */
public final class GroundingEvaluation {

    private GroundingEvaluation() {}

    /**
     * Phrase grounding recall: every sentence's image is grounded with the sentence's
     * {@code tokens_positive_eval} phrases (label i+1 = phrase i), all final detections kept (no score
     * threshold, up to {@code DETECTIONS_PER_IMG}), boxes ranked by score per phrase.
     *
     * @param grounder the model
     * @param sentences the sentences ({@link FlickrEntities#read})
     * @param imageDir folder of the images ({@code file_name})
     * @param recall receives each sentence
     * @param progress advanced by one per sentence (may be {@code null})
     * @throws IOException if an image cannot be read
     */
    public static void flickr(FiberGrounder grounder, List<FlickrSentence> sentences, Path imageDir,
            FlickrRecall recall, ProgressBar progress) throws IOException {
        for (FlickrSentence s : sentences) {
            RgbImage image = ImageDecoder.read(imageDir.resolve(s.fileName()));
            List<List<CharSpan>> spans = new ArrayList<>();
            for (FlickrPhrase p : s.phrases()) {
                spans.add(p.spans());
            }
            GroundingResult r = grounder.ground(image, s.caption(), spans);
            recall.add(s, ranked(r, s.phrases().size()));
            if (progress != null) {
                progress.add(1);
            }
        }
    }

    /**
     * @param r a grounding result (detections sorted by score)
     * @param phrases number of phrases
     * @return per phrase, its boxes {@code (x1, y1, x2, y2)} by descending score
     */
    public static List<List<double[]>> ranked(GroundingResult r, int phrases) {
        long[] labels = new long[r.detections().size()];
        List<double[]> boxes = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            GroundingResult.Detection d = r.detections().get(i);
            labels[i] = d.label();
            boxes.add(new double[] {d.x1(), d.y1(), d.x2(), d.y2()});
        }
        return FlickrEntities.rankedByPhrase(labels, boxes, phrases);
    }

    /**
     * Open-vocabulary detection over COCO-style images: the prompt holds every category name in id order
     * (chunked as the grounder's configuration says), label i+1 is the i-th category; boxes are written as
     * FIBER writes COCO results, {@code [x1, y1, x2 - x1 + 1, y2 - y1 + 1]} (maskrcnn-benchmark's
     * {@code convert("xywh")}), all final detections with their scores.
     *
     * @param grounder the model
     * @param gt the ground truth (images and categories)
     * @param images the images to run, in order
     * @param imageDir folder of the images
     * @param progress advanced by one per image (may be {@code null})
     * @return the detections in the COCO results format
     * @throws IOException if an image cannot be read
     */
    public static List<CocoDetection> detect(FiberGrounder grounder, CocoGroundTruth gt,
            List<CocoGroundTruth.Image> images, Path imageDir, ProgressBar progress) throws IOException {
        List<String> names = gt.categories().stream().map(CocoGroundTruth.Category::name).toList();
        List<CocoDetection> out = new ArrayList<>();
        for (CocoGroundTruth.Image img : images) {
            RgbImage image = ImageDecoder.read(imageDir.resolve(img.fileName()));
            GroundingResult r = grounder.detect(image, names);
            for (GroundingResult.Detection d : r.detections()) {
                long category = gt.categories().get((int) d.label() - 1).id();
                out.add(new CocoDetection(img.id(), category,
                        new double[] {d.x1(), d.y1(), d.x2() - d.x1() + 1, d.y2() - d.y1() + 1}, d.score()));
            }
            if (progress != null) {
                progress.add(1);
            }
        }
        return out;
    }

    /**
     * @param gt ground truth
     * @param images the images to keep
     * @return the ground truth restricted to those images (for evaluating a subset)
     */
    public static CocoGroundTruth restrict(CocoGroundTruth gt, List<CocoGroundTruth.Image> images) {
        java.util.Set<Long> ids = new java.util.HashSet<>();
        for (CocoGroundTruth.Image i : images) {
            ids.add(i.id());
        }
        return new CocoGroundTruth(List.copyOf(images), gt.categories(),
                gt.annotations().stream().filter(a -> ids.contains(a.imageId())).toList());
    }

    /**
     * Writes detections in the COCO results format.
     *
     * @param detections the detections
     * @param file destination
     * @throws IOException if it cannot be written
     */
    public static void writeDetections(List<CocoDetection> detections, Path file) throws IOException {
        com.google.gson.JsonArray a = new com.google.gson.JsonArray();
        for (CocoDetection d : detections) {
            com.google.gson.JsonObject o = new com.google.gson.JsonObject();
            o.addProperty("image_id", d.imageId());
            o.addProperty("category_id", d.categoryId());
            com.google.gson.JsonArray b = new com.google.gson.JsonArray();
            for (double v : d.bbox()) {
                b.add(v);
            }
            o.add("bbox", b);
            o.addProperty("score", d.score());
            a.add(o);
        }
        java.nio.file.Files.writeString(file, a.toString(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
