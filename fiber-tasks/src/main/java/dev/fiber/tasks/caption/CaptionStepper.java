package dev.fiber.tasks.caption;

/**
 * One decoding step of a captioning search: the log-probabilities of the next token for every row
 * (official {@code caption_test_step}: {@code log_softmax} of {@code mlm_score(text_feats[:, i])}
 * after setting the {@code <mask>} logit to -10000). Implementations: the official full
 * recomputation ({@link FullRecomputeStepper}) and the cached one ({@link IncrementalStepper}).
 * Not thread-safe.
 */
interface CaptionStepper extends AutoCloseable {

    /**
     * @param seqs the current token sequences, one per row (position 0 is {@code <s>})
     * @param i the position whose successor is predicted (every sequence holds tokens 0..i)
     * @return row-major (rows x vocab) log-probabilities
     */
    float[] logProbs(long[][] seqs, int i);

    /**
     * Tells the stepper that row {@code r} now continues row {@code parents[r]}.
     *
     * @param parents parent row of each row
     */
    void reorder(int[] parents);

    /** @return vocabulary size */
    int vocabSize();

    @Override
    void close();
}
