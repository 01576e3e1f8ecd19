package dev.fiber.tasks.retrieval;

/**
 * One search result: a stored item and its cosine similarity to the query.
 *
 * @param id    the stored item's id
 * @param score dot product of the L2-normalised query and item (cosine similarity)
 */
public record Hit(long id, float score) {}
