package dev.fiber.tasks.retrieval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.TranslateException;
import dev.fiber.core.image.ImageDecoder;
import dev.fiber.core.image.RgbImage;
import dev.fiber.core.util.ProgressBar;
import dev.fiber.tasks.metrics.RetrievalRecall;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Image-text retrieval evaluation on a Karpathy split (COCO 5k / Flickr30k 1k test), as FIBER reports
 * it: IR@1/5/10 (text → image) and TR@1/5/10 (image → text) from the ITC similarity matrix
 * ({@code compute_itc_recall}); optionally with the top-K candidates of every query re-ranked by ITM
 * (the official ITM evaluation, {@code compute_itm_recall}, scores every pair, which is infeasible on
 * a CPU; re-ranking the ITC top-K is the usual approximation and exact in the limit K = all).
 */
public final class RetrievalEvaluator {

    /** Re-ranked candidates get scores {@code RERANK_BASE + k - position} (exact in float), above every cosine. */
    static final float RERANK_BASE = 2f;

    private RetrievalEvaluator() {}

    /**
     * Evaluation result.
     *
     * @param numImages gallery images
     * @param numTexts gallery captions
     * @param itc recall from ITC similarities
     * @param itm recall after ITM re-ranking of the top {@code rerankK}, or {@code null}
     * @param rerankK candidates re-ranked per query (0 = none)
     * @param seconds wall time
     */
    public record Result(int numImages, int numTexts, RetrievalRecall itc, RetrievalRecall itm, int rerankK, double seconds) {}

    /**
     * @param root image folder
     * @param image a gallery image
     * @return {@code root/filepath/filename}, else {@code root/filename}
     * @throws NoSuchFileException if neither exists (names both)
     */
    public static Path imagePath(Path root, KarpathyDataset.Image image) throws NoSuchFileException {
        Path a = root.resolve(image.relativePath());
        if (Files.isRegularFile(a)) {
            return a;
        }
        Path b = root.resolve(image.filename());
        if (Files.isRegularFile(b)) {
            return b;
        }
        throw new NoSuchFileException(a.toString(), a.equals(b) ? null : b.toString(), "image of the Karpathy split not found");
    }

    /**
     * Runs the evaluation.
     *
     * @param retrieval the loaded model
     * @param gallery images and captions ({@link KarpathyDataset#gallery})
     * @param imageRoot folder of the images ({@code filepath/filename} or {@code filename} below it)
     * @param imageBatch images per forward pass (memory grows with it)
     * @param textBatch texts per forward pass
     * @param rerankK ITM re-ranking depth (0 = ITC only)
     * @param progress whether to show progress bars on stderr
     * @return the recalls
     * @throws IOException if an image is missing or unreadable
     * @throws TranslateException if inference fails
     */
    public static Result evaluate(FiberRetrieval retrieval, KarpathyDataset.Gallery gallery, Path imageRoot, int imageBatch, int textBatch,
            int rerankK, boolean progress) throws IOException, TranslateException {
        if (imageBatch < 1 || textBatch < 1) {
            throw new IllegalArgumentException("batch sizes must be >= 1, got " + imageBatch + " / " + textBatch);
        }
        long start = System.nanoTime();
        List<KarpathyDataset.Image> images = gallery.images();
        List<String> captions = gallery.captions();
        int n = images.size();
        int m = captions.size();
        if (n == 0 || m == 0) {
            throw new IllegalArgumentException("the gallery has " + n + " images and " + m + " captions");
        }
        List<Path> paths = new ArrayList<>(n);
        for (KarpathyDataset.Image im : images) {
            paths.add(imagePath(imageRoot, im));
        }
        float[] imageEmb = null;
        int dim = 0;
        try (ProgressBar bar = bar(progress, "image embeddings", n, "images")) {
            for (int s = 0; s < n; s += imageBatch) {
                List<RgbImage> batch = new ArrayList<>();
                for (int i = s; i < Math.min(n, s + imageBatch); i++) {
                    batch.add(ImageDecoder.read(paths.get(i)));
                }
                List<float[]> e = retrieval.embedImages(batch);
                if (imageEmb == null) {
                    dim = e.get(0).length;
                    imageEmb = new float[n * dim];
                }
                for (int i = 0; i < e.size(); i++) {
                    System.arraycopy(e.get(i), 0, imageEmb, (s + i) * dim, dim);
                }
                bar.add(batch.size());
            }
        }
        float[] textEmb = new float[m * dim];
        try (ProgressBar bar = bar(progress, "text embeddings", m, "texts")) {
            for (int s = 0; s < m; s += textBatch) {
                List<float[]> e = retrieval.embedTexts(captions.subList(s, Math.min(m, s + textBatch)));
                for (int i = 0; i < e.size(); i++) {
                    System.arraycopy(e.get(i), 0, textEmb, (s + i) * dim, dim);
                }
                bar.add(e.size());
            }
        }
        float[] scores = similarities(imageEmb, textEmb, n, m, dim);
        long[] imageIds = gallery.imageIds();
        long[] textImageIds = gallery.captionImageIds();
        RetrievalRecall itc = RetrievalRecall.compute(scores, n, m, imageIds, textImageIds);
        RetrievalRecall itm = null;
        if (rerankK > 0) {
            if (!retrieval.hasItm()) {
                throw new IllegalArgumentException("ITM re-ranking needs a checkpoint with itm_score (e.g. fiber-coco-retrieval-itm)");
            }
            float[] tr = scores.clone();
            int kt = Math.min(rerankK, m);
            int ki = Math.min(rerankK, n);
            try (ProgressBar bar = bar(progress, "ITM re-ranking (image→text)", n, "images")) {
                for (int i = 0; i < n; i++) {
                    int[] top = topRow(scores, i, m, kt);
                    List<String> texts = new ArrayList<>(kt);
                    for (int j : top) {
                        texts.add(captions.get(j));
                    }
                    List<ItmScore> s = retrieval.itm(ItmQuery.imageVsTexts(ImageDecoder.read(paths.get(i)), texts), true);
                    int[] order = byMatchLogit(s);
                    for (int p = 0; p < kt; p++) {
                        tr[i * m + top[order[p]]] = RERANK_BASE + kt - p;
                    }
                    bar.add(1);
                }
            }
            float[] ir = scores.clone();
            try (ProgressBar bar = bar(progress, "ITM re-ranking (text→image)", m, "texts")) {
                for (int j = 0; j < m; j++) {
                    int[] top = topColumn(scores, j, n, m, ki);
                    List<RgbImage> ims = new ArrayList<>(ki);
                    for (int i : top) {
                        ims.add(ImageDecoder.read(paths.get(i)));
                    }
                    List<ItmScore> s = retrieval.itm(ItmQuery.textVsImages(captions.get(j), ims), true);
                    int[] order = byMatchLogit(s);
                    for (int p = 0; p < ki; p++) {
                        ir[top[order[p]] * m + j] = RERANK_BASE + ki - p;
                    }
                    bar.add(1);
                }
            }
            RetrievalRecall a = RetrievalRecall.compute(tr, n, m, imageIds, textImageIds);
            RetrievalRecall b = RetrievalRecall.compute(ir, n, m, imageIds, textImageIds);
            itm = new RetrievalRecall(a.textRetrievalRanks(), b.imageRetrievalRanks());
        }
        return new Result(n, m, itc, itm, rerankK, (System.nanoTime() - start) / 1e9);
    }

    /** Candidate positions sorted by ITM match logit, best first (ties keep the ITC order). */
    private static int[] byMatchLogit(List<ItmScore> s) {
        Integer[] o = new Integer[s.size()];
        for (int i = 0; i < o.length; i++) {
            o[i] = i;
        }
        java.util.Arrays.sort(o, (x, y) -> Float.compare(s.get(y).matchLogit(), s.get(x).matchLogit()));
        int[] out = new int[o.length];
        for (int i = 0; i < o.length; i++) {
            out[i] = o[i];
        }
        return out;
    }

    private static ProgressBar bar(boolean progress, String label, long total, String item) {
        return ProgressBar.builder(label).total(total).unit(ProgressBar.Unit.ITEMS).itemName(item)
                .mode(progress ? ProgressBar.Mode.AUTO : ProgressBar.Mode.OFF).build();
    }

    /** Row-major (n x m) dot products with libtorch. */
    static float[] similarities(float[] a, float[] b, int n, int m, int dim) {
        try (NDManager nd = NDManager.newBaseManager("PyTorch")) {
            NDArray x = nd.create(a, new Shape(n, dim));
            NDArray y = nd.create(b, new Shape(m, dim));
            return x.matMul(y.transpose()).toFloatArray();
        }
    }

    private static int[] topRow(float[] s, int row, int m, int k) {
        float[] v = new float[m];
        System.arraycopy(s, row * m, v, 0, m);
        return topK(v, k);
    }

    private static int[] topColumn(float[] s, int col, int n, int m, int k) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = s[i * m + col];
        }
        return topK(v, k);
    }

    /** Indices of the k largest values, best first, ties to the lower index. */
    static int[] topK(float[] v, int k) {
        int[] idx = new int[k];
        float[] val = new float[k];
        int filled = 0;
        for (int j = 0; j < v.length; j++) {
            float x = v[j];
            if (filled == k && !(x > val[k - 1])) {
                continue;
            }
            int p = filled == k ? k - 1 : filled;
            while (p > 0 && x > val[p - 1]) {
                val[p] = val[p - 1];
                idx[p] = idx[p - 1];
                p--;
            }
            val[p] = x;
            idx[p] = j;
            if (filled < k) {
                filled++;
            }
        }
        return idx;
    }
}
