package dev.fiber.tasks.retrieval;

/**
 * A candidate after ITC retrieval and ITM re-ranking.
 *
 * @param id the candidate's id in the index
 * @param itcScore its ITC cosine similarity to the query (first-stage score)
 * @param itm its ITM score against the query (re-ranking score: {@link ItmScore#matchLogit()})
 */
public record RerankedHit(long id, float itcScore, ItmScore itm) {}
