package dev.fiber.tasks.caption;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.fiber.core.model.FiberModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Caption decoding for coarse FIBER: an exact port of the official beam search
 * ({@code objectives.caption_test_step}, quirk 13) and greedy decoding.
 *
 * <p>Beam search, as the official code does it (including its oddities, so the ids match it token
 * for token):
 * <ul>
 *   <li>step 0: the {@code beam} best tokens of position 0 (after {@code <s>}), log-probabilities as
 *       scores, lengths 1;</li>
 *   <li>later steps: an ended hypothesis contributes 0 for every vocabulary entry; candidate score =
 *       {@code (logp * (1 - ended) + head_logp) / ((1 - ended) + head_length + 1e-9)}; the
 *       {@code beam} best of beam x vocabulary per image (ties: lower index first); parent =
 *       {@code idx / V}, token = {@code idx % V}; children of ended parents get {@code <pad>};</li>
 *   <li>the kept length of slot {@code k} is the (grown) length of the <em>old</em> hypothesis in
 *       slot {@code k}, not of its parent (the official code does not gather the lengths);</li>
 *   <li>a hypothesis ends on {@code </s>} or {@code <pad>}; there is no list of finished hypotheses
 *       (ended ones can be duplicated or dropped); the loop stops when every row of the
 *       <em>batch</em> has ended (checked from step 1 on) or after {@code max_len - 1} steps. The
 *       result of an image can therefore depend on the other images of its batch, as officially;</li>
 *   <li>{@code <mask>} is suppressed (logit -10000) before every {@code log_softmax}.</li>
 * </ul>
 * The answer is hypothesis 0 of each image.
 *
 * <p>Greedy decoding takes the arg-max token at each step (with {@code <mask>} suppressed) until
 * {@code </s>} / {@code <pad>}; it equals beam search with beam size 1.
 *
 * <p>Stateless; each call uses its own arrays, so calls may run concurrently on one model.
 */
public final class CaptionSearch {

    /** Beam size of the official evaluation. */
    public static final int OFFICIAL_BEAM_SIZE = 5;

    /** Receives the token sequences given to the model at each step (for tests and debugging). */
    @FunctionalInterface
    public interface StepTrace {
        /**
         * @param step step index {@code i} (the model predicts position {@code i + 1})
         * @param seqs the sequences (rows = image * rows_per_image + k), not to be modified
         */
        void step(int step, long[][] seqs);

        /** A trace that ignores everything. */
        StepTrace NONE = (s, q) -> { };
    }

    private CaptionSearch() {}

    /**
     * Official beam search.
     *
     * @param model a captioning model
     * @param manager manager for temporary arrays
     * @param imageEmbeds (B, L, D) from {@link FiberModel#captionImageEmbeds}
     * @param beam beam size (official: 5)
     * @param maxLen sequence length including {@code <s>} (official: {@code max_text_len})
     * @param incremental cached decoding ({@code true}) or the official full recomputation
     * @param tokens special ids
     * @param trace receives each step's sequences
     * @return one result per image
     */
    public static List<DecodedCaption> beam(FiberModel model, NDManager manager, NDArray imageEmbeds, int beam, int maxLen,
            boolean incremental, CaptionTokens tokens, StepTrace trace) {
        check(beam, maxLen, model);
        Objects.requireNonNull(tokens, "tokens");
        int images = (int) imageEmbeds.getShape().get(0);
        int rows = images * beam;
        long[][] seqs = initialSequences(rows, maxLen, tokens);
        float[] headLogp = new float[rows];
        float[] headLen = new float[rows];
        boolean[] ended = new boolean[rows];
        try (CaptionStepper stepper = stepper(model, manager, imageEmbeds, beam, incremental, tokens)) {
            int v = stepper.vocabSize();
            int[] topIdx = new int[beam];
            float[] topVal = new float[beam];
            for (int i = 0; i < maxLen - 1; i++) {
                trace.step(i, seqs);
                float[] logp = stepper.logProbs(seqs, i);
                if (i == 0) {
                    for (int b = 0; b < images; b++) {
                        int r0 = b * beam;
                        topK(logp, (long) r0 * v, v, beam, topIdx, topVal, null);
                        for (int k = 0; k < beam; k++) {
                            int r = r0 + k;
                            seqs[r][1] = topIdx[k];
                            headLogp[r] = topVal[k];
                            headLen[r] = 1f;
                            ended[r] = tokens.ends(topIdx[k]);
                        }
                    }
                    continue;
                }
                long[][] next = new long[rows][];
                float[] nextLogp = new float[rows];
                float[] nextLen = new float[rows];
                boolean[] nextEnded = new boolean[rows];
                int[] parents = new int[rows];
                float[] rowLen = new float[rows];
                float[] rowMask = new float[rows];
                for (int r = 0; r < rows; r++) {
                    rowMask[r] = ended[r] ? 0f : 1f;
                    rowLen[r] = rowMask[r] + headLen[r];
                }
                Candidates cand = new Candidates(logp, v, rowMask, headLogp, rowLen);
                for (int b = 0; b < images; b++) {
                    int r0 = b * beam;
                    cand.base = r0;
                    topK(null, (long) r0 * v, (long) beam * v, beam, topIdx, topVal, cand);
                    for (int s = 0; s < beam; s++) {
                        int parent = r0 + topIdx[s] / v;
                        int token = topIdx[s] % v;
                        int r = r0 + s;
                        parents[r] = parent;
                        nextLogp[r] = cand.raw(parent, token);
                        nextLen[r] = rowLen[r];
                        long tok = ended[parent] ? tokens.pad() : token;
                        next[r] = seqs[parent].clone();
                        next[r][i + 1] = tok;
                        nextEnded[r] = tokens.ends(tok);
                    }
                }
                seqs = next;
                headLogp = nextLogp;
                headLen = nextLen;
                ended = nextEnded;
                stepper.reorder(parents);
                if (allTrue(ended)) {
                    break;
                }
            }
        }
        List<DecodedCaption> out = new ArrayList<>(images);
        for (int b = 0; b < images; b++) {
            int r = b * beam;
            out.add(result(seqs[r], tokens, headLogp[r] / headLen[r]));
        }
        return out;
    }

    /**
     * Greedy decoding (arg-max token per step until {@code </s>} / {@code <pad>} or the length limit).
     *
     * @param model a captioning model
     * @param manager manager for temporary arrays
     * @param imageEmbeds (B, L, D)
     * @param maxLen sequence length including {@code <s>}
     * @param incremental cached decoding or full recomputation
     * @param tokens special ids
     * @param trace receives each step's sequences
     * @return one result per image
     */
    public static List<DecodedCaption> greedy(FiberModel model, NDManager manager, NDArray imageEmbeds, int maxLen, boolean incremental,
            CaptionTokens tokens, StepTrace trace) {
        check(1, maxLen, model);
        int rows = (int) imageEmbeds.getShape().get(0);
        long[][] seqs = initialSequences(rows, maxLen, tokens);
        boolean[] ended = new boolean[rows];
        double[] sum = new double[rows];
        int[] count = new int[rows];
        try (CaptionStepper stepper = stepper(model, manager, imageEmbeds, 1, incremental, tokens)) {
            int v = stepper.vocabSize();
            for (int i = 0; i < maxLen - 1; i++) {
                trace.step(i, seqs);
                float[] logp = stepper.logProbs(seqs, i);
                for (int r = 0; r < rows; r++) {
                    if (ended[r]) {
                        seqs[r][i + 1] = tokens.pad();
                        continue;
                    }
                    int best = 0;
                    float bestVal = Float.NEGATIVE_INFINITY;
                    int base = r * v;
                    for (int t = 0; t < v; t++) {
                        if (logp[base + t] > bestVal) {
                            bestVal = logp[base + t];
                            best = t;
                        }
                    }
                    seqs[r][i + 1] = best;
                    sum[r] += bestVal;
                    count[r]++;
                    ended[r] = tokens.ends(best);
                }
                if (allTrue(ended)) {
                    break;
                }
            }
        }
        List<DecodedCaption> out = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            out.add(result(seqs[r], tokens, count[r] == 0 ? 0f : (float) (sum[r] / count[r])));
        }
        return out;
    }

    private static CaptionStepper stepper(FiberModel model, NDManager manager, NDArray embeds, int rowsPerImage, boolean incremental,
            CaptionTokens tokens) {
        return incremental
                ? new IncrementalStepper(model, manager, embeds, rowsPerImage, tokens.mask())
                : new FullRecomputeStepper(model, manager, embeds, rowsPerImage, tokens.mask());
    }

    private static void check(int beam, int maxLen, FiberModel model) {
        if (!model.config().hasCaption()) {
            throw new IllegalStateException("this model has no captioning layers (cross_modal_att_layers); use a captioning checkpoint");
        }
        if (beam < 1) {
            throw new IllegalArgumentException("beam size must be >= 1, got " + beam);
        }
        long limit = model.config().text().maxPositionEmbeddings() - model.config().text().padTokenId() - 1L;
        if (maxLen < 2 || maxLen > limit) {
            throw new IllegalArgumentException("caption length must be in [2, " + limit + "] tokens including <s>, got " + maxLen);
        }
    }

    private static long[][] initialSequences(int rows, int maxLen, CaptionTokens tokens) {
        long[][] seqs = new long[rows][maxLen];
        for (long[] s : seqs) {
            Arrays.fill(s, tokens.pad());
            s[0] = tokens.bos();
        }
        return seqs;
    }

    private static DecodedCaption result(long[] seq, CaptionTokens tokens, float score) {
        long[] ids = Arrays.copyOfRange(seq, 1, seq.length);
        for (int j = 0; j < ids.length; j++) {
            if (ids[j] == tokens.eos() || ids[j] == tokens.bos()) {
                ids[j] = tokens.pad();
            }
        }
        int len = 0;
        for (long x : ids) {
            if (x != tokens.pad()) {
                len++;
            }
        }
        return new DecodedCaption(ids, len, score);
    }

    private static boolean allTrue(boolean[] a) {
        for (boolean x : a) {
            if (!x) {
                return false;
            }
        }
        return true;
    }

    /** The candidate scores of one image's beam x vocabulary block, computed in float32 as officially. */
    private static final class Candidates {
        final float[] logp;
        final int v;
        final float[] mask;
        final float[] head;
        final float[] len;
        int base;

        Candidates(float[] logp, int v, float[] mask, float[] head, float[] len) {
            this.logp = logp;
            this.v = v;
            this.mask = mask;
            this.head = head;
            this.len = len;
        }

        /** Unnormalised: {@code logp * (1 - ended) + head_logp}. */
        float raw(int row, int token) {
            return logp[row * v + token] * mask[row] + head[row];
        }

        /** Normalised score of flat candidate {@code j} (beam-major within the image). */
        float normed(int j) {
            int row = base + j / v;
            return raw(row, j % v) / (len[row] + 1e-9f);
        }
    }

    /**
     * The k largest values (descending; equal values keep the lower index first).
     *
     * @param values source array (when {@code cand} is null)
     * @param offset first index in {@code values}
     * @param n number of candidates
     * @param k how many to keep
     * @param idx receives candidate indices (relative to offset)
     * @param val receives their values
     * @param cand computes candidate values instead of reading {@code values}
     */
    static void topK(float[] values, long offset, long n, int k, int[] idx, float[] val, Candidates cand) {
        int filled = 0;
        for (int j = 0; j < n; j++) {
            float x = cand != null ? cand.normed(j) : values[(int) (offset + j)];
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
        if (filled < k) {
            throw new IllegalStateException("fewer than " + k + " candidates (" + n + ")");
        }
    }
}
