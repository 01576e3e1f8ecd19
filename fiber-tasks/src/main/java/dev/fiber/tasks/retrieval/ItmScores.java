package dev.fiber.tasks.retrieval;

import java.util.List;

/**
 * The scores of an {@link ItmQuery}, in pair order.
 *
 * @param scores one per pair
 */
public record ItmScores(List<ItmScore> scores) {

    /** Copies. */
    public ItmScores {
        scores = List.copyOf(scores);
    }
}
