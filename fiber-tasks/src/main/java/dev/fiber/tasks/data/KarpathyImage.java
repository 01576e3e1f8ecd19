package dev.fiber.tasks.data;

import java.util.List;
import java.util.Objects;

/**
 * One image of a Karpathy split file ({@code dataset_coco.json}, {@code dataset_flickr30k.json}) with
 * its captions: a row of the official {@code coco_caption_karpathy_*.arrow} /
 * {@code f30k_caption_karpathy_*.arrow} tables.
 *
 * @param fileName {@code filename} (e.g. {@code COCO_val2014_000000391895.jpg}, {@code 1000092795.jpg})
 * @param filePath {@code filepath} (COCO: {@code train2014}/{@code val2014}; empty for Flickr30k)
 * @param split    {@code split}: {@code train}, {@code val}, {@code test} or {@code restval}
 * @param imageId  {@code cocoid} when present, else {@code imgid}
 * @param captions the {@code raw} sentences, in file order
 */
public record KarpathyImage(String fileName, String filePath, String split, long imageId, List<String> captions) {

    /** Validates and copies. */
    public KarpathyImage {
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(filePath, "filePath");
        Objects.requireNonNull(split, "split");
        captions = List.copyOf(captions);
    }

    /** @return {@code filepath/filename}, or the file name alone when there is no file path */
    public String imagePath() {
        return filePath.isEmpty() ? fileName : filePath + "/" + fileName;
    }
}
