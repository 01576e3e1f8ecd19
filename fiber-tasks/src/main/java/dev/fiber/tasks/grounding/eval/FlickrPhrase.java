package dev.fiber.tasks.grounding.eval;

import dev.fiber.core.text.CharSpan;

import java.util.List;

/**
 * One evaluated phrase of a Flickr30k Entities sentence: its character span(s) in the caption (one entry of
 * MDETR's {@code tokens_positive_eval}) and its ground-truth boxes {@code (x1, y1, x2, y2)} in image pixels.
 *
 * @param spans character spans of the phrase
 * @param boxes ground-truth boxes (at least one)
 */
public record FlickrPhrase(List<CharSpan> spans, List<double[]> boxes) {}
