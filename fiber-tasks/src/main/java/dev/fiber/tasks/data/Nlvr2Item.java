package dev.fiber.tasks.data;

import java.util.Objects;

/**
 * One preprocessed NLVR2 sample ({@code NLVR2Dataset.__getitem__}): the statement with the left image,
 * the right image, and the label.
 *
 * @param left       the left image ({@code image_0}) and tokenised statement
 * @param rightImage the right image ({@code image_1}), float32 CHW
 * @param label      whether the statement is true
 * @param identifier the statement identifier
 */
public record Nlvr2Item(ImageTextItem left, float[] rightImage, boolean label, String identifier) {

    /** Validates. */
    public Nlvr2Item {
        Objects.requireNonNull(left, "left");
        Objects.requireNonNull(rightImage, "rightImage");
        Objects.requireNonNull(identifier, "identifier");
        if (rightImage.length != left.image().length) {
            throw new IllegalArgumentException("left and right images differ in size");
        }
    }
}
