package dev.fiber.tasks.retrieval;

import dev.fiber.core.image.RgbImage;
import java.util.List;

/**
 * Several image-text pairs scored together (input of {@link ItmQueryTranslator}): one image against k
 * texts (text re-ranking), one text against k images (image re-ranking), or k aligned pairs. When
 * one side is single, its uni-modal bottom is computed once (see {@code FusionCache}).
 *
 * @param images the images (1 or as many as texts)
 * @param texts the texts (1 or as many as images)
 */
public record ItmQuery(List<RgbImage> images, List<String> texts) {

    /** Copies and checks the sizes. */
    public ItmQuery {
        images = List.copyOf(images);
        texts = List.copyOf(texts);
        if (images.isEmpty() || texts.isEmpty()) {
            throw new IllegalArgumentException("ITM needs at least one image and one text");
        }
        if (images.size() != texts.size() && images.size() != 1 && texts.size() != 1) {
            throw new IllegalArgumentException(images.size() + " images and " + texts.size() + " texts: give one image, one text, or aligned pairs");
        }
    }

    /**
     * @param image the image
     * @param texts candidate texts
     * @return one image against several texts
     */
    public static ItmQuery imageVsTexts(RgbImage image, List<String> texts) {
        return new ItmQuery(List.of(image), texts);
    }

    /**
     * @param text the text
     * @param images candidate images
     * @return one text against several images
     */
    public static ItmQuery textVsImages(String text, List<RgbImage> images) {
        return new ItmQuery(images, List.of(text));
    }

    /** @return number of scored pairs */
    public int size() {
        return Math.max(images.size(), texts.size());
    }
}
