package dev.fiber.tasks.grounding.eval;

import java.util.List;

/**
 * One caption of a Flickr30k Entities image with its evaluated phrases (one {@code images} entry of MDETR's
 * {@code final_flickr_*GT_*.json}).
 *
 * @param id the entry's {@code id}
 * @param fileName image file name
 * @param width image width
 * @param height image height
 * @param caption the sentence
 * @param originalImageId Flickr image id ({@code original_img_id})
 * @param sentenceId index of the sentence for that image ({@code sentence_id})
 * @param phrases the phrases with boxes, in caption order (label i+1 = phrase i)
 */
public record FlickrSentence(long id, String fileName, int width, int height, String caption,
        String originalImageId, int sentenceId, List<FlickrPhrase> phrases) {}
