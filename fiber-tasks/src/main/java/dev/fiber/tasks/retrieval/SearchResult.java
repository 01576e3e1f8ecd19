package dev.fiber.tasks.retrieval;

import java.util.ArrayList;
import java.util.List;

/**
 * Top-k results of a batch of queries: for query {@code q}, entries {@code q*k .. q*k+count-1} of
 * {@link #ids()} / {@link #scores()} / {@link #rows()}, best first ({@code count = min(k, index size)}).
 *
 * @param numQueries number of queries
 * @param k          results per query
 * @param ids        ids of the hits, [numQueries × k]
 * @param rows       row numbers of the hits in the index (insertion order), [numQueries × k]
 * @param scores     cosine similarities, [numQueries × k]
 */
public record SearchResult(int numQueries, int k, long[] ids, int[] rows, float[] scores) {

    /**
     * @param query a query index
     * @return its hits, best first
     */
    public List<Hit> hits(int query) {
        if (query < 0 || query >= numQueries) {
            throw new IndexOutOfBoundsException("query " + query + " of " + numQueries);
        }
        List<Hit> out = new ArrayList<>(k);
        for (int j = 0; j < k; j++) {
            out.add(new Hit(ids[query * k + j], scores[query * k + j]));
        }
        return out;
    }
}
