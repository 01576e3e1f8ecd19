package dev.fiber.core.text;

/**
 * Which of the two official RoBERTa tokenizers to reproduce. Both give the same ids for ordinary
 * text; they differ only at the edges listed here.
 *
 * <ul>
 *   <li>{@link #COARSE}: {@code RobertaTokenizer} (Python, transformers 4.6.0) as coarse-grained FIBER
 *       builds it in {@code fiber/datamodules/datamodule_base.py} and calls in
 *       {@code fiber/datasets/base_dataset.py}. Text that Python's {@code str.strip()} reduces to
 *       nothing (empty, spaces, tabs, newlines, NBSP, U+3000, U+001C..U+001F ...) gives no tokens
 *       (ids {@code <s></s>}); a literal {@code <mask>} swallows the Python-whitespace on its left.</li>
 *   <li>{@link #FINE}: {@code RobertaTokenizerFast} (HuggingFace Rust tokenizers) as fine-grained FIBER
 *       ({@code GeneralizedVLRCNN}, GLIP code) loads it with {@code AutoTokenizer}. Blank text is
 *       tokenised like any other text (e.g. {@code "  "} gives {@code Ġ}, {@code Ġ}); a literal
 *       {@code <mask>} swallows the Unicode White_Space on its left (not U+001C..U+001F) and its
 *       character span covers that whitespace.</li>
 * </ul>
 */
public enum TokenizerFlavor {
    /** Python {@code RobertaTokenizer} of transformers 4.6.0 (coarse-grained FIBER). */
    COARSE,
    /** Rust {@code RobertaTokenizerFast} (fine-grained FIBER). */
    FINE
}
