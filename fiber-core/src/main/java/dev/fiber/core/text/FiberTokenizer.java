package dev.fiber.core.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * FIBER's text tokenizer: RoBERTa ({@code roberta-base}) byte-level BPE with the special-token,
 * truncation and padding behaviour of the official code.
 *
 * <p>Coarse-grained FIBER ({@code fiber/datasets/base_dataset.py}) calls
 * {@code RobertaTokenizer(text, padding="max_length", truncation=True, max_length=40)}: ids are
 * {@code <s>=0}, up to {@code maxLength-2} text tokens, {@code </s>=2}, then {@code <pad>=1}; no
 * prefix space is added, nothing is lower-cased or normalised. Fine-grained FIBER
 * ({@code GeneralizedVLRCNN}) does the same with the fast tokenizer and {@code max_length=256}, and maps
 * character spans to tokens through the offsets ({@link PositiveMap}). See {@link TokenizerFlavor} for
 * the two edge cases where the tokenizers differ.
 *
 * <p>Empty text encodes to {@code <s></s>} (plus padding), like the official tokenizers. A literal
 * special-token string in the text ({@code <s>}, {@code </s>}, {@code <pad>}, {@code <unk>},
 * {@code <mask>}) is kept as that single id (and counted as text in the special-tokens mask);
 * {@code <mask>} also swallows the whitespace on its left.
 *
 * <p>The implementation is pure Java ({@link ByteLevelBpe}) rather than DJL's HuggingFace tokenizer:
 * it reproduces both flavours exactly (the Rust tokenizer cannot express the Python tokenizer's
 * blank-text rule), needs no native library, loads about as fast and encodes several times faster
 * (no JNI call per text); see {@code docs/preprocessing.md} for the measurements.
 * {@link HfTokenizerJson} writes the equivalent {@code tokenizer.json} for users of the HuggingFace
 * tokenizers; the tests check both agree.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class FiberTokenizer {

    /** {@code max_text_len} of coarse-grained FIBER (config default). */
    public static final int MAX_TEXT_LEN = 40;
    /** {@code MODEL.LANGUAGE_BACKBONE.MAX_QUERY_LEN} of fine-grained FIBER. */
    public static final int MAX_QUERY_LEN = 256;
    /** Classpath folder holding {@code vocab.json} and {@code merges.txt} of roberta-base. */
    public static final String ROBERTA_RESOURCE_DIR = "/dev/fiber/core/text/roberta-base/";

    private static final String BOS = "<s>";
    private static final String PAD = "<pad>";
    private static final String EOS = "</s>";
    private static final String UNK = "<unk>";
    private static final String MASK = "<mask>";

    /** The shared roberta-base instance, loaded on first use. */
    private static volatile FiberTokenizer roberta;

    private final ByteLevelBpe bpe;
    private final int bosId;
    private final int padId;
    private final int eosId;
    private final int unkId;
    private final int maskId;
    /** Special-token strings matched literally in text, longest first. */
    private final String[] literals;
    private final int[] literalIds;
    private final boolean[] literalLstrip;

    private FiberTokenizer(ByteLevelBpe bpe) {
        this.bpe = bpe;
        this.bosId = required(bpe, BOS);
        this.padId = required(bpe, PAD);
        this.eosId = required(bpe, EOS);
        this.unkId = required(bpe, UNK);
        this.maskId = required(bpe, MASK);
        this.literals = new String[] {MASK, "<unk>", PAD, EOS, BOS};
        this.literalIds = new int[] {maskId, unkId, padId, eosId, bosId};
        this.literalLstrip = new boolean[] {true, false, false, false, false};
    }

    private static int required(ByteLevelBpe bpe, String token) {
        int id = bpe.tokenToId(token);
        if (id < 0) {
            throw new IllegalArgumentException("vocabulary has no " + token + " token; not a RoBERTa vocabulary");
        }
        return id;
    }

    /**
     * Wraps an already loaded BPE model.
     *
     * @param bpe vocabulary and merges; must contain the RoBERTa special tokens
     * @return the tokenizer
     */
    public static FiberTokenizer of(ByteLevelBpe bpe) {
        return new FiberTokenizer(Objects.requireNonNull(bpe, "bpe"));
    }

    /**
     * Loads {@code vocab.json} and {@code merges.txt} from a folder (e.g. {@code models/roberta-base},
     * or a HuggingFace snapshot of {@code roberta-base}).
     *
     * @param dir the folder
     * @return the tokenizer
     * @throws IOException if a file is missing or malformed (the message names it)
     */
    public static FiberTokenizer load(Path dir) throws IOException {
        Objects.requireNonNull(dir, "dir");
        Path vocab = dir.resolve("vocab.json");
        Path merges = dir.resolve("merges.txt");
        for (Path p : new Path[] {vocab, merges}) {
            if (!Files.isRegularFile(p)) {
                throw new IOException("tokenizer file not found: " + p.toAbsolutePath()
                        + " (expected vocab.json and merges.txt of roberta-base)");
            }
        }
        try (InputStream v = Files.newInputStream(vocab); InputStream m = Files.newInputStream(merges)) {
            return new FiberTokenizer(ByteLevelBpe.read(v, m, UNK));
        } catch (IOException e) {
            throw new IOException("cannot read tokenizer files in " + dir.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The roberta-base tokenizer FIBER uses, loaded once: from the classpath
     * ({@value #ROBERTA_RESOURCE_DIR}, packaged into the fiber-core jar), else from
     * {@code models/roberta-base} under the system property {@code fiber.root} or the working
     * directory and its parents.
     *
     * @return the shared tokenizer
     * @throws UncheckedIOException if the files cannot be found or read
     */
    public static FiberTokenizer roberta() {
        FiberTokenizer t = roberta;
        if (t == null) {
            synchronized (FiberTokenizer.class) {
                t = roberta;
                if (t == null) {
                    t = loadRoberta();
                    roberta = t;
                }
            }
        }
        return t;
    }

    private static FiberTokenizer loadRoberta() {
        try (InputStream v = FiberTokenizer.class.getResourceAsStream(ROBERTA_RESOURCE_DIR + "vocab.json");
                InputStream m = FiberTokenizer.class.getResourceAsStream(ROBERTA_RESOURCE_DIR + "merges.txt")) {
            if (v != null && m != null) {
                return new FiberTokenizer(ByteLevelBpe.read(v, m, UNK));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the roberta-base tokenizer from the classpath", e);
        }
        List<Path> candidates = new ArrayList<>();
        String root = System.getProperty("fiber.root");
        if (root != null) {
            candidates.add(Paths.get(root, "models", "roberta-base"));
        }
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            candidates.add(p.resolve("models").resolve("roberta-base"));
        }
        for (Path c : candidates) {
            if (Files.isRegularFile(c.resolve("vocab.json")) && Files.isRegularFile(c.resolve("merges.txt"))) {
                try {
                    return load(c);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        throw new UncheckedIOException(new IOException("roberta-base tokenizer files not found: neither on the"
                + " classpath (" + ROBERTA_RESOURCE_DIR + ") nor in models/roberta-base (searched " + candidates
                + "); use FiberTokenizer.load(dir) with a folder holding vocab.json and merges.txt"));
    }

    /** @return the BPE model (vocabulary and merges) */
    public ByteLevelBpe bpe() {
        return bpe;
    }

    /** @return number of token ids (50265 for roberta-base) */
    public int vocabSize() {
        return bpe.vocabSize();
    }

    /** @return id of {@code <s>} (0) */
    public int bosId() {
        return bosId;
    }

    /** @return id of {@code <pad>} (1) */
    public int padId() {
        return padId;
    }

    /** @return id of {@code </s>} (2) */
    public int eosId() {
        return eosId;
    }

    /** @return id of {@code <unk>} (3) */
    public int unkId() {
        return unkId;
    }

    /** @return id of {@code <mask>} (50264) */
    public int maskId() {
        return maskId;
    }

    /**
     * @param id a token id
     * @return whether it is one of the special tokens {@code <s> <pad> </s> <unk> <mask>}
     */
    public boolean isSpecialId(int id) {
        return id == bosId || id == padId || id == eosId || id == unkId || id == maskId;
    }

    /**
     * Byte-level BPE tokens of a text, without {@code <s>}/{@code </s>}, no truncation
     * ({@code tokenizer.tokenize(text)} of coarse FIBER's Python tokenizer).
     *
     * @param text the text, not null
     * @return the tokens, e.g. {@code [a, Ġman, Ġriding]}
     */
    public List<String> tokenize(String text) {
        TokenList t = textTokens(text, TokenizerFlavor.COARSE);
        List<String> out = new ArrayList<>(t.size());
        for (int i = 0; i < t.size(); i++) {
            out.add(t.token(i));
        }
        return out;
    }

    /**
     * Encodes a text for coarse-grained FIBER: truncated and padded to {@code maxLength}
     * ({@link #MAX_TEXT_LEN} = 40 in the official configs).
     *
     * @param text      the text, not null
     * @param maxLength total length including {@code <s>} and {@code </s>}, at least 2
     * @return the encoding
     */
    public Encoding encode(String text, int maxLength) {
        return encode(text, maxLength, TokenizerFlavor.COARSE);
    }

    /**
     * Encodes a text, truncated and padded to {@code maxLength}.
     *
     * @param text      the text, not null
     * @param maxLength total length including {@code <s>} and {@code </s>}, at least 2
     * @param flavor    which official tokenizer to reproduce
     * @return the encoding
     */
    public Encoding encode(String text, int maxLength, TokenizerFlavor flavor) {
        if (maxLength < 2) {
            throw new IllegalArgumentException("maxLength must be >= 2 to hold <s> and </s>, got " + maxLength);
        }
        return build(text, textTokens(text, flavor), maxLength, true);
    }

    /**
     * Encodes a text with {@code <s>}/{@code </s>} but neither truncation nor padding, like
     * {@code tokenizer(text)} (what fine-grained FIBER hands to {@code create_positive_map}).
     *
     * @param text   the text, not null
     * @param flavor which official tokenizer to reproduce
     * @return the encoding ({@code paddedLength() == length()})
     */
    public Encoding encodeUnpadded(String text, TokenizerFlavor flavor) {
        TokenList t = textTokens(text, flavor);
        return build(text, t, t.size() + 2, false);
    }

    /**
     * Encodes a batch of texts for coarse-grained FIBER into int64 arrays of shape (B, maxLength).
     *
     * @param texts     the texts, none null
     * @param maxLength padded length (40 for coarse FIBER)
     * @param manager   owns the created arrays
     * @return ids and attention mask
     */
    public TextBatch encodeBatch(List<String> texts, int maxLength, NDManager manager) {
        return encodeBatch(texts, maxLength, TokenizerFlavor.COARSE, manager);
    }

    /**
     * Encodes a batch of texts into int64 arrays of shape (B, maxLength).
     *
     * @param texts     the texts, none null
     * @param maxLength padded length (40 for coarse FIBER, 256 for fine-grained FIBER)
     * @param flavor    which official tokenizer to reproduce
     * @param manager   owns the created arrays
     * @return ids, attention mask and the per-text encodings
     */
    public TextBatch encodeBatch(List<String> texts, int maxLength, TokenizerFlavor flavor, NDManager manager) {
        Objects.requireNonNull(texts, "texts");
        Objects.requireNonNull(manager, "manager");
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("cannot encode an empty batch of texts");
        }
        List<Encoding> encodings = new ArrayList<>(texts.size());
        long[] ids = new long[texts.size() * maxLength];
        long[] mask = new long[ids.length];
        for (int b = 0; b < texts.size(); b++) {
            String text = texts.get(b);
            if (text == null) {
                throw new NullPointerException("text " + b + " of the batch is null");
            }
            Encoding e = encode(text, maxLength, flavor);
            encodings.add(e);
            System.arraycopy(e.idsAsLong(), 0, ids, b * maxLength, maxLength);
            System.arraycopy(e.attentionMaskAsLong(), 0, mask, b * maxLength, maxLength);
        }
        Shape shape = new Shape(texts.size(), maxLength);
        NDArray idArray = manager.create(ids, shape);
        NDArray maskArray = manager.create(mask, shape);
        return new TextBatch(idArray, maskArray, List.copyOf(encodings));
    }

    /**
     * The normalised positive map of fine-grained FIBER ({@code create_positive_map}): row {@code j}
     * spreads weight 1 evenly over the tokens that the character spans of phrase {@code j} touch.
     * The text is tokenised with the fast-tokenizer flavour, without truncation.
     *
     * @param text  the caption
     * @param spans per phrase (label) its character spans ({@code tokens_positive})
     * @param width number of token columns ({@link #MAX_QUERY_LEN} = 256 in FIBER)
     * @return {@code spans.size() x width} map, rows summing to about 1 (0 for phrases without tokens)
     */
    public float[][] positiveMap(String text, List<? extends List<CharSpan>> spans, int width) {
        return PositiveMap.build(encodeUnpadded(text, TokenizerFlavor.FINE), spans, width);
    }

    /**
     * Decodes ids to text like the Python tokenizer of transformers 4.6.0 ({@code tokenizer.decode}):
     * byte-level tokens are joined, their bytes decoded as UTF-8 (invalid sequences become U+FFFD),
     * then {@code clean_up_tokenization} removes the space before {@code . ? ! ,} and inside English
     * contractions.
     *
     * @param ids               token ids
     * @param skipSpecialTokens drop {@code <s> <pad> </s> <unk> <mask>}
     * @return the text
     * @throws IllegalArgumentException if an id is not in the vocabulary
     */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        return decode(ids, skipSpecialTokens, true);
    }

    /**
     * Decodes int64 ids (as produced by the model); see {@link #decode(int[], boolean)}.
     *
     * @param ids               token ids
     * @param skipSpecialTokens drop {@code <s> <pad> </s> <unk> <mask>}
     * @return the text
     */
    public String decode(long[] ids, boolean skipSpecialTokens) {
        int[] ints = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("token id " + ids[i] + " is not in the vocabulary");
            }
            ints[i] = (int) ids[i];
        }
        return decode(ints, skipSpecialTokens, true);
    }

    /**
     * Decodes ids to text.
     *
     * @param ids                        token ids
     * @param skipSpecialTokens          drop {@code <s> <pad> </s> <unk> <mask>}
     * @param cleanUpTokenizationSpaces  apply transformers' {@code clean_up_tokenization}
     * @return the text
     * @throws IllegalArgumentException if an id is not in the vocabulary
     */
    public String decode(int[] ids, boolean skipSpecialTokens, boolean cleanUpTokenizationSpaces) {
        Objects.requireNonNull(ids, "ids");
        StringBuilder joined = new StringBuilder();
        for (int id : ids) {
            if (skipSpecialTokens && isSpecialId(id)) {
                continue;
            }
            joined.append(bpe.idToToken(id));
        }
        String text = new String(ByteLevelBpe.tokenBytes(joined.toString()), StandardCharsets.UTF_8);
        return cleanUpTokenizationSpaces ? cleanUp(text) : text;
    }

    /** transformers' {@code PreTrainedTokenizerBase.clean_up_tokenization}. */
    static String cleanUp(String s) {
        return s.replace(" .", ".")
                .replace(" ?", "?")
                .replace(" !", "!")
                .replace(" ,", ",")
                .replace(" ' ", "'")
                .replace(" n't", "n't")
                .replace(" 'm", "'m")
                .replace(" 's", "'s")
                .replace(" 've", "'ve")
                .replace(" 're", "'re");
    }

    // ------------------------------------------------------------------------------------------

    /** Text tokens (no {@code <s>}/{@code </s>}), special literals split out, flavour rules applied. */
    TokenList textTokens(String text, TokenizerFlavor flavor) {
        if (text == null) {
            throw new NullPointerException("text to tokenize is null");
        }
        Objects.requireNonNull(flavor, "flavor");
        TokenList out = new TokenList();
        if (flavor == TokenizerFlavor.COARSE && isPythonBlank(text)) {
            return out;
        }
        int pieceStart = 0;
        int i = 0;
        int n = text.length();
        while (i < n) {
            int lit = text.charAt(i) == '<' ? literalAt(text, i) : -1;
            if (lit < 0) {
                i++;
                continue;
            }
            int pieceEnd = i;
            int litStart = i;
            if (literalLstrip[lit]) {
                while (pieceEnd > pieceStart && isStripSpace(text.charAt(pieceEnd - 1), flavor)) {
                    pieceEnd--;
                }
                litStart = pieceEnd;
            }
            if (pieceEnd > pieceStart) {
                bpe.encodePiece(text, pieceStart, pieceEnd, out);
            }
            int litEnd = i + literals[lit].length();
            if (flavor == TokenizerFlavor.FINE) {
                // The fast tokenizer's token is the matched text including the swallowed whitespace;
                // its span is then trimmed of that whitespace like every other token (trim_offsets).
                int spanStart = litStart;
                while (spanStart < i && isWhiteSpaceProperty(text.charAt(spanStart))) {
                    spanStart++;
                }
                out.add(literalIds[lit], text.substring(litStart, litEnd), spanStart, litEnd);
            } else {
                out.add(literalIds[lit], literals[lit], litStart, litEnd);
            }
            i = litEnd;
            pieceStart = i;
        }
        if (pieceStart < n) {
            bpe.encodePiece(text, pieceStart, n, out);
        }
        return out;
    }

    private int literalAt(String text, int i) {
        for (int k = 0; k < literals.length; k++) {
            if (text.startsWith(literals[k], i)) {
                return k;
            }
        }
        return -1;
    }

    private Encoding build(String text, TokenList t, int maxLength, boolean pad) {
        int keep = Math.min(t.size(), maxLength - 2);
        int length = keep + 2;
        int total = pad ? maxLength : length;
        int[] ids = new int[total];
        String[] tokens = new String[total];
        int[] attention = new int[total];
        int[] special = new int[total];
        int[] starts = new int[total];
        int[] ends = new int[total];
        ids[0] = bosId;
        tokens[0] = BOS;
        attention[0] = 1;
        special[0] = 1;
        for (int k = 0; k < keep; k++) {
            ids[k + 1] = t.id(k);
            tokens[k + 1] = t.token(k);
            attention[k + 1] = 1;
            starts[k + 1] = t.start(k);
            ends[k + 1] = t.end(k);
        }
        ids[keep + 1] = eosId;
        tokens[keep + 1] = EOS;
        attention[keep + 1] = 1;
        special[keep + 1] = 1;
        for (int k = length; k < total; k++) {
            ids[k] = padId;
            tokens[k] = PAD;
            special[k] = 1;
        }
        return new Encoding(text, ids, tokens, attention, special, starts, ends, length, t.size());
    }

    /** Python's {@code not text.strip()}: every character is {@code str.isspace()}. */
    static boolean isPythonBlank(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (!isPythonSpace(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isStripSpace(char c, TokenizerFlavor flavor) {
        return flavor == TokenizerFlavor.COARSE ? isPythonSpace(c) : isWhiteSpaceProperty(c);
    }

    /** Python {@code str.isspace()}: Unicode White_Space plus the separators U+001C..U+001F. */
    static boolean isPythonSpace(char c) {
        return isWhiteSpaceProperty(c) || (c >= 0x1C && c <= 0x1F);
    }

    /** The Unicode White_Space property (Rust {@code char::is_whitespace}, regex {@code \s}). */
    static boolean isWhiteSpaceProperty(char c) {
        return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F
                || c == 0x205F || c == 0x3000;
    }

    @Override
    public String toString() {
        return "FiberTokenizer{vocab=" + vocabSize() + ", merges=" + bpe.numMerges() + ", specials="
                + Arrays.toString(new int[] {bosId, padId, eosId, unkId, maskId}) + "}";
    }
}
