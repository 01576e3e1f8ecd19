package dev.fiber.tasks.data;

import java.util.Objects;

/**
 * One NLVR2 statement about a pair of images, with its truth label: the unit the official
 * {@code NLVR2Dataset} indexes ({@code image_0}, {@code image_1}, {@code text}, {@code answers}).
 *
 * @param identifier the statement's {@code identifier} (e.g. {@code dev-850-0-0})
 * @param pairId     the identifier without its last part ({@code dev-850-0}): the image pair, shared
 *     by several statements
 * @param sentence   the statement
 * @param label      whether it is true of the pair ({@code label == "True"})
 * @param leftImage  path of the left image relative to the NLVR2 root
 * @param rightImage path of the right image relative to the NLVR2 root
 */
public record Nlvr2Example(String identifier, String pairId, String sentence, boolean label, String leftImage,
        String rightImage) {

    /** Validates the fields. */
    public Nlvr2Example {
        Objects.requireNonNull(identifier, "identifier");
        Objects.requireNonNull(pairId, "pairId");
        Objects.requireNonNull(sentence, "sentence");
        Objects.requireNonNull(leftImage, "leftImage");
        Objects.requireNonNull(rightImage, "rightImage");
    }
}
