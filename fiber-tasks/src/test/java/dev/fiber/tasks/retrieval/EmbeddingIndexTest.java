package dev.fiber.tasks.retrieval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingIndexTest {

    @TempDir
    Path tmp;

    private static float[] gaussian(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }

    /** Brute force in double precision over the stored (normalised) vectors: rows best first. */
    private static int[] bruteForce(EmbeddingIndex index, float[] query, int k) {
        float[] q = EmbeddingIndex.normalize(query, 0, query.length);
        double[] s = new double[index.size()];
        for (int r = 0; r < index.size(); r++) {
            float[] v = index.vector(r);
            double d = 0;
            for (int i = 0; i < v.length; i++) {
                d += (double) v[i] * q[i];
            }
            s[r] = d;
        }
        return IntStream.range(0, index.size()).boxed()
                .sorted(Comparator.comparingDouble((Integer r) -> -s[r]).thenComparingInt(r -> r))
                .limit(k).mapToInt(Integer::intValue).toArray();
    }

    private static EmbeddingIndex randomIndex(Random rnd, int n, int dim) {
        EmbeddingIndex index = new EmbeddingIndex(dim);
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = 1_000_000L + 7L * i;
        }
        index.addAll(ids, gaussian(rnd, n * dim));
        return index;
    }

    @Test
    void exactTopKAgainstBruteForceForBothBackends() {
        Random rnd = new Random(11);
        int dim = 48;
        EmbeddingIndex index = randomIndex(rnd, 9000, dim);
        for (int numQueries : new int[] {1, 3, 20}) {
            float[] queries = gaussian(rnd, numQueries * dim);
            for (EmbeddingIndex.Backend backend : EmbeddingIndex.Backend.values()) {
                SearchResult r = index.search(queries, numQueries, 10, backend);
                assertEquals(10, r.k());
                double maxScoreErr = 0;
                for (int q = 0; q < numQueries; q++) {
                    int[] expected = bruteForce(index, Arrays.copyOfRange(queries, q * dim, (q + 1) * dim), 10);
                    int[] actual = Arrays.copyOfRange(r.rows(), q * 10, (q + 1) * 10);
                    assertArrayEquals(expected, actual, backend + " query " + q + " of " + numQueries);
                    for (int j = 0; j < 10; j++) {
                        assertEquals(index.id(actual[j]), r.ids()[q * 10 + j]);
                        float[] v = index.vector(actual[j]);
                        float[] qn = EmbeddingIndex.normalize(queries, q * dim, dim);
                        double d = 0;
                        for (int i = 0; i < dim; i++) {
                            d += (double) v[i] * qn[i];
                        }
                        maxScoreErr = Math.max(maxScoreErr, Math.abs(d - r.scores()[q * 10 + j]));
                    }
                }
                assertTrue(maxScoreErr < 1e-5, backend + " score error " + maxScoreErr);
            }
        }
    }

    @Test
    void smallIndexTiesAndSingleQuery() {
        EmbeddingIndex index = new EmbeddingIndex(3);
        index.add(10, new float[] {1, 0, 0});
        index.add(11, new float[] {2, 0, 0}); // same direction: tie with 10, later row
        index.add(12, new float[] {0, 1, 0});
        List<Hit> hits = index.search(new float[] {5, 0, 0}, 5);
        assertEquals(3, hits.size(), "k larger than the index");
        assertEquals(10, hits.get(0).id());
        assertEquals(11, hits.get(1).id());
        assertEquals(1f, hits.get(0).score(), 1e-6f);
        assertEquals(12, hits.get(2).id());
        assertEquals(0f, hits.get(2).score(), 1e-6f);
        assertEquals(1, index.rowOf(11));
        assertEquals(-1, index.rowOf(99));
        assertArrayEquals(new float[] {1, 0, 0}, index.vector(1));
    }

    @Test
    void invalidInputsAreRejected() {
        EmbeddingIndex index = new EmbeddingIndex(2);
        index.add(1, new float[] {3, 4});
        assertThrows(IllegalArgumentException.class, () -> index.add(1, new float[] {1, 0}));
        assertThrows(IllegalArgumentException.class, () -> index.add(2, new float[] {0, 0}));
        assertThrows(IllegalArgumentException.class, () -> index.add(2, new float[] {Float.NaN, 1}));
        assertThrows(IllegalArgumentException.class, () -> index.add(2, new float[] {1, 2, 3}));
        assertThrows(IllegalArgumentException.class, () -> index.addNormalized(2, new float[] {3, 4}));
        index.addNormalized(2, new float[] {0.6f, 0.8f});
        assertThrows(IllegalArgumentException.class, () -> index.search(new float[] {1, 0}, 0));
        assertThrows(IllegalArgumentException.class, () -> index.search(new float[] {1, 0, 1}, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new EmbeddingIndex(0));
        assertThrows(IndexOutOfBoundsException.class, () -> index.id(5));
        assertEquals(0, new EmbeddingIndex(2).search(new float[] {1, 0}, 3).size());
    }

    @Test
    void safetensorsRoundTrip() throws IOException {
        Random rnd = new Random(5);
        EmbeddingIndex index = randomIndex(rnd, 777, 33);
        Path f = tmp.resolve("sub/index.safetensors");
        index.save(f);
        assertEquals(8 + headerLength(f) + 777L * 8 + 777L * 33 * 4, Files.size(f));
        EmbeddingIndex back = EmbeddingIndex.load(f);
        assertEquals(index.size(), back.size());
        assertEquals(index.dim(), back.dim());
        for (int r = 0; r < index.size(); r++) {
            assertEquals(index.id(r), back.id(r));
            assertArrayEquals(index.vector(r), back.vector(r), 0f);
        }
        float[] q = gaussian(rnd, 4 * 33);
        assertEquals(Arrays.toString(index.search(q, 4, 7, EmbeddingIndex.Backend.JAVA).rows()),
                Arrays.toString(back.search(q, 4, 7, EmbeddingIndex.Backend.JAVA).rows()));
        back.add(42, gaussian(rnd, 33));
        assertEquals(778, back.size());
        assertThrows(IllegalArgumentException.class, () -> back.add(index.id(0), gaussian(rnd, 33)));

        // errors: missing, not safetensors, truncated
        assertThrows(NoSuchFileException.class, () -> EmbeddingIndex.load(tmp.resolve("nope")));
        Path bad = tmp.resolve("bad.safetensors");
        Files.write(bad, new byte[] {1, 2, 3});
        assertThrows(IOException.class, () -> EmbeddingIndex.load(bad));
        byte[] all = Files.readAllBytes(f);
        Files.write(bad, Arrays.copyOf(all, all.length - 100));
        IOException e = assertThrows(IOException.class, () -> EmbeddingIndex.load(bad));
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
    }

    private static long headerLength(Path f) throws IOException {
        byte[] b = Arrays.copyOf(Files.readAllBytes(f), 8);
        long n = 0;
        for (int i = 7; i >= 0; i--) {
            n = (n << 8) | (b[i] & 0xff);
        }
        return n;
    }
}
