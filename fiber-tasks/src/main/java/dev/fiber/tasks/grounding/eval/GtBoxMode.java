package dev.fiber.tasks.grounding.eval;

/**
 * How the several ground-truth boxes of one Flickr30k Entities phrase are scored (FIBER's
 * {@code DATASETS.FLICKR_GT_TYPE}, the evaluator's {@code merge_boxes}).
 */
public enum GtBoxMode {
    /** "separate" (FIBER's test config, MDETR's ANY-box protocol): a hit is IoU >= threshold with any box. */
    SEPARATE,
    /** "merged" (Plummer et al.): the boxes are replaced by their smallest enclosing box. */
    MERGED
}
