package dev.fiber.tasks.retrieval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * An in-memory index of L2-normalised float32 embeddings with {@code long} ids, searched by cosine
 * similarity (dot product of unit vectors) for the top k: the retrieval step of FIBER's ITC evaluation
 * ({@code objectives.compute_itc_recall}: {@code image_feats @ text_feats.t()} then {@code topk}) made
 * reusable for large galleries.
 *
 * <p>Search is exact (no approximation) and memory-bounded: only k candidates per query are kept while the
 * stored rows are scanned. Two back-ends, chosen by {@link Backend#AUTO} from the number of queries:
 * <ul>
 *   <li>{@link Backend#JAVA}: a tight unrolled Java loop over row blocks, split over the CPU cores (best for
 *       one or a few queries: the scan is memory-bound);</li>
 *   <li>{@link Backend#NDARRAY}: chunked matrix products with DJL/libtorch ({@code queries × chunkᵀ}, chunks of
 *       at most {@value #CHUNK_BYTES} bytes copied to native memory, then {@code topK} per chunk and a merge;
 *       best for large query batches, where BLAS is compute-efficient).</li>
 * </ul>
 * Ties are broken by the lower row (insertion order) in the Java back-end; libtorch's {@code topK} does not
 * specify the order of exactly equal scores at a chunk's k-th place. Not thread-safe for concurrent
 * {@link #add}; searches may run concurrently with each other.
 */
public final class EmbeddingIndex {

    /** Search implementation. */
    public enum Backend {
        /** {@link #JAVA} below {@link #AUTO_NDARRAY_MIN_QUERIES} queries, else {@link #NDARRAY}. */
        AUTO,
        /** Multi-threaded Java loop. */
        JAVA,
        /** Chunked libtorch matrix products. */
        NDARRAY
    }

    /** AUTO switches to the NDArray back-end from this many queries in one call. */
    public static final int AUTO_NDARRAY_MIN_QUERIES = 16;
    /** Upper bound of the native memory one NDArray chunk (and its score block) takes. */
    public static final long CHUNK_BYTES = 64L << 20;
    /** Largest allowed deviation of a pre-normalised vector's norm from 1. */
    public static final double NORM_TOLERANCE = 1e-3;

    private static final int ROW_BLOCK = 64;
    private static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());
    private static final ExecutorService POOL = Executors.newFixedThreadPool(THREADS, r -> {
        Thread t = new Thread(r, "fiber-index-search");
        t.setDaemon(true);
        return t;
    });

    private final int dim;
    private float[] data;
    private long[] ids;
    private int size;
    private final Map<Long, Integer> rowOfId = new HashMap<>();

    /**
     * @param dim embedding dimension (≥ 1)
     */
    public EmbeddingIndex(int dim) {
        if (dim < 1) {
            throw new IllegalArgumentException("embedding dimension must be >= 1, got " + dim);
        }
        this.dim = dim;
        this.data = new float[0];
        this.ids = new long[0];
    }

    /** @return the embedding dimension */
    public int dim() {
        return dim;
    }

    /** @return the number of stored embeddings */
    public int size() {
        return size;
    }

    /**
     * Adds an embedding, L2-normalising a copy of it.
     *
     * @param id     a new id
     * @param vector the embedding (length {@link #dim()}, finite, not all zero)
     * @throws IllegalArgumentException on a duplicate id, wrong length, non-finite values or a zero vector
     */
    public void add(long id, float[] vector) {
        checkLength(vector, "embedding of id " + id);
        append(id, normalize(vector, 0, dim));
    }

    /**
     * Adds an embedding that is already L2-normalised (for example FIBER's ITC features, so that the stored
     * values are exactly the model's), stored as is.
     *
     * @param id         a new id
     * @param unitVector the embedding, with |norm − 1| ≤ {@value #NORM_TOLERANCE}
     * @throws IllegalArgumentException on a duplicate id, wrong length or a vector that is not unit length
     */
    public void addNormalized(long id, float[] unitVector) {
        checkLength(unitVector, "embedding of id " + id);
        double norm = Math.sqrt(squaredNorm(unitVector, 0, dim));
        if (!(Math.abs(norm - 1) <= NORM_TOLERANCE)) {
            throw new IllegalArgumentException("embedding of id " + id + " has norm " + norm + ", not 1; use add()");
        }
        append(id, unitVector.clone());
    }

    /**
     * Adds many embeddings (each L2-normalised).
     *
     * @param newIds  ids, one per row
     * @param vectors row-major [newIds.length × dim] embeddings
     */
    public void addAll(long[] newIds, float[] vectors) {
        if ((long) newIds.length * dim != vectors.length) {
            throw new IllegalArgumentException(vectors.length + " values are not " + newIds.length + " rows of " + dim);
        }
        ensureCapacity(size + newIds.length);
        for (int i = 0; i < newIds.length; i++) {
            append(newIds[i], normalize(vectors, i * dim, dim));
        }
    }

    /**
     * @param row a row (insertion order)
     * @return the id stored there
     */
    public long id(int row) {
        checkRow(row);
        return ids[row];
    }

    /**
     * @param row a row
     * @return a copy of its (normalised) embedding
     */
    public float[] vector(int row) {
        checkRow(row);
        return Arrays.copyOfRange(data, row * dim, (row + 1) * dim);
    }

    /**
     * @param id an id
     * @return its row, or -1 if absent
     */
    public int rowOf(long id) {
        Integer r = rowOfId.get(id);
        return r == null ? -1 : r;
    }

    /**
     * Top-k search for one query (normalised here).
     *
     * @param query the query embedding (length {@link #dim()})
     * @param k     number of results (≥ 1); fewer if the index is smaller
     * @return the hits, best first
     */
    public List<Hit> search(float[] query, int k) {
        checkLength(query, "query");
        return search(query, 1, k, Backend.JAVA).hits(0);
    }

    /**
     * Top-k search for a batch of queries with the {@link Backend#AUTO} back-end.
     *
     * @param queries    row-major [numQueries × dim] query embeddings (each normalised here)
     * @param numQueries number of queries
     * @param k          results per query (≥ 1)
     * @return the results
     */
    public SearchResult search(float[] queries, int numQueries, int k) {
        return search(queries, numQueries, k, Backend.AUTO);
    }

    /**
     * Top-k search for a batch of queries.
     *
     * @param queries    row-major [numQueries × dim] query embeddings (each normalised here)
     * @param numQueries number of queries
     * @param k          results per query (≥ 1)
     * @param backend    implementation
     * @return the results
     * @throws IllegalArgumentException on bad sizes, {@code k < 1}, or a zero / non-finite query
     */
    public SearchResult search(float[] queries, int numQueries, int k, Backend backend) {
        if (numQueries < 0 || (long) numQueries * dim != queries.length) {
            throw new IllegalArgumentException(queries.length + " query values are not " + numQueries + " rows of "
                    + dim);
        }
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        float[] q = new float[queries.length];
        for (int i = 0; i < numQueries; i++) {
            System.arraycopy(normalize(queries, i * dim, dim), 0, q, i * dim, dim);
        }
        int kk = Math.min(k, size);
        TopK[] heaps;
        Backend b = backend == Backend.AUTO
                ? (numQueries >= AUTO_NDARRAY_MIN_QUERIES ? Backend.NDARRAY : Backend.JAVA) : backend;
        if (kk == 0 || numQueries == 0) {
            heaps = new TopK[numQueries];
            Arrays.setAll(heaps, i -> new TopK(Math.max(kk, 1)));
        } else if (b == Backend.NDARRAY) {
            heaps = searchNd(q, numQueries, kk);
        } else {
            heaps = searchJava(q, numQueries, kk);
        }
        int[] rows = new int[numQueries * kk];
        float[] scores = new float[numQueries * kk];
        long[] outIds = new long[numQueries * kk];
        for (int i = 0; i < numQueries; i++) {
            if (kk > 0) {
                heaps[i].drainSorted(rows, scores, i * kk);
            }
        }
        for (int j = 0; j < rows.length; j++) {
            outIds[j] = ids[rows[j]];
        }
        return new SearchResult(numQueries, kk, outIds, rows, scores);
    }

    /**
     * Saves the index as a safetensors file ({@code ids} I64 [n], {@code embeddings} F32 [n, dim]).
     *
     * @param path the file (written atomically)
     * @throws IOException on write failure
     */
    public void save(Path path) throws IOException {
        IndexFile.write(path, ids, data, size, dim);
    }

    /**
     * Loads an index saved by {@link #save}.
     *
     * @param path the file
     * @return the index
     * @throws IOException if the file is missing, not a safetensors file or not an embedding index
     */
    public static EmbeddingIndex load(Path path) throws IOException {
        IndexFile.Content c = IndexFile.read(path);
        EmbeddingIndex index = new EmbeddingIndex(c.dim());
        index.data = c.embeddings();
        index.ids = c.ids();
        index.size = c.size();
        for (int i = 0; i < c.size(); i++) {
            if (index.rowOfId.put(c.ids()[i], i) != null) {
                throw new IOException(path + ": duplicate id " + c.ids()[i]);
            }
        }
        return index;
    }

    /**
     * L2-normalises a slice (computing the norm in double precision).
     *
     * @param values an array
     * @param offset slice start
     * @param length slice length
     * @return a new array holding the normalised slice
     * @throws IllegalArgumentException for non-finite values or a zero vector
     */
    public static float[] normalize(float[] values, int offset, int length) {
        double sq = squaredNorm(values, offset, length);
        if (!(sq > 0) || Double.isInfinite(sq)) {
            throw new IllegalArgumentException(sq == 0 ? "cannot normalise a zero vector"
                    : "vector has non-finite values");
        }
        double inv = 1.0 / Math.sqrt(sq);
        float[] out = new float[length];
        for (int i = 0; i < length; i++) {
            out[i] = (float) (values[offset + i] * inv);
        }
        return out;
    }

    private static double squaredNorm(float[] v, int offset, int length) {
        double s = 0;
        for (int i = 0; i < length; i++) {
            double x = v[offset + i];
            s += x * x;
        }
        return s;
    }

    private TopK[] searchJava(float[] q, int numQueries, int k) {
        int tasks = (int) Math.max(1, Math.min(THREADS, size / 4096L));
        if (tasks == 1) {
            return scanRows(q, numQueries, k, 0, size);
        }
        List<Future<TopK[]>> futures = new ArrayList<>();
        for (int t = 1; t < tasks; t++) {
            int from = (int) ((long) size * t / tasks);
            int to = (int) ((long) size * (t + 1) / tasks);
            futures.add(POOL.submit(() -> scanRows(q, numQueries, k, from, to)));
        }
        TopK[] merged = scanRows(q, numQueries, k, 0, size / tasks);
        for (Future<TopK[]> f : futures) {
            TopK[] part;
            try {
                part = f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("search interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("search failed", e.getCause());
            }
            for (int i = 0; i < numQueries; i++) {
                merged[i].addAll(part[i]);
            }
        }
        return merged;
    }

    private TopK[] scanRows(float[] q, int numQueries, int k, int from, int to) {
        TopK[] heaps = new TopK[numQueries];
        Arrays.setAll(heaps, i -> new TopK(k));
        for (int block = from; block < to; block += ROW_BLOCK) {
            int end = Math.min(to, block + ROW_BLOCK);
            for (int qi = 0; qi < numQueries; qi++) {
                TopK h = heaps[qi];
                int qOff = qi * dim;
                float threshold = h.threshold();
                for (int r = block; r < end; r++) {
                    float s = dot(data, r * dim, q, qOff, dim);
                    if (s >= threshold) {
                        h.offer(s, r);
                        threshold = h.threshold();
                    }
                }
            }
        }
        return heaps;
    }

    /** Dot product with 8 independent accumulators (lets the JIT pipeline the multiply-adds). */
    static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        float s4 = 0;
        float s5 = 0;
        float s6 = 0;
        float s7 = 0;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            s0 += a[aOff + i] * b[bOff + i];
            s1 += a[aOff + i + 1] * b[bOff + i + 1];
            s2 += a[aOff + i + 2] * b[bOff + i + 2];
            s3 += a[aOff + i + 3] * b[bOff + i + 3];
            s4 += a[aOff + i + 4] * b[bOff + i + 4];
            s5 += a[aOff + i + 5] * b[bOff + i + 5];
            s6 += a[aOff + i + 6] * b[bOff + i + 6];
            s7 += a[aOff + i + 7] * b[bOff + i + 7];
        }
        float s = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
        for (; i < n; i++) {
            s += a[aOff + i] * b[bOff + i];
        }
        return s;
    }

    private TopK[] searchNd(float[] q, int numQueries, int k) {
        TopK[] heaps = new TopK[numQueries];
        Arrays.setAll(heaps, i -> new TopK(k));
        long rowBytes = 4L * Math.max(dim, numQueries);
        int chunkRows = (int) Math.max(k, Math.min(size, CHUNK_BYTES / rowBytes));
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray queries = manager.create(q, new Shape(numQueries, dim));
            for (int start = 0; start < size; start += chunkRows) {
                int rows = Math.min(chunkRows, size - start);
                int kc = Math.min(k, rows);
                try (NDManager chunk = manager.newSubManager()) {
                    NDArray x = chunk.create(FloatBuffer.wrap(data, start * dim, rows * dim), new Shape(rows, dim));
                    NDArray scores = queries.matMul(x.transpose());
                    NDList top = scores.topK(kc, 1, true, true);
                    float[] vals = top.get(0).toFloatArray();
                    long[] idx = top.get(1).toLongArray();
                    for (int qi = 0; qi < numQueries; qi++) {
                        for (int j = 0; j < kc; j++) {
                            heaps[qi].offer(vals[qi * kc + j], start + (int) idx[qi * kc + j]);
                        }
                    }
                }
            }
        }
        return heaps;
    }

    private void append(long id, float[] unit) {
        if (rowOfId.containsKey(id)) {
            throw new IllegalArgumentException("id " + id + " is already in the index (row " + rowOfId.get(id) + ")");
        }
        ensureCapacity(size + 1);
        System.arraycopy(unit, 0, data, size * dim, dim);
        ids[size] = id;
        rowOfId.put(id, size);
        size++;
    }

    private void ensureCapacity(int rows) {
        if ((long) rows * dim > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("index full: " + rows + " x " + dim + " floats exceed one Java array");
        }
        if (rows <= ids.length) {
            return;
        }
        int cap = (int) Math.min((Integer.MAX_VALUE - 8) / dim, Math.max(rows, (long) ids.length * 3 / 2 + 16));
        data = Arrays.copyOf(data, cap * dim);
        ids = Arrays.copyOf(ids, cap);
    }

    private void checkLength(float[] v, String what) {
        if (v == null || v.length != dim) {
            throw new IllegalArgumentException(what + " has " + (v == null ? "no" : v.length) + " values, expected "
                    + dim);
        }
    }

    private void checkRow(int row) {
        if (row < 0 || row >= size) {
            throw new IndexOutOfBoundsException("row " + row + " of an index with " + size + " embeddings");
        }
    }
}
