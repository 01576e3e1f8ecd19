package dev.fiber.core.text;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2 byte-level BPE, the word-piece model of RoBERTa ({@code vocab.json} + {@code merges.txt}),
 * written in plain Java. It reproduces the tokenisation step of the Python
 * {@code GPT2Tokenizer._tokenize} / {@code RobertaTokenizer} that FIBER's text encoder was trained
 * with:
 *
 * <ol>
 *   <li>pre-tokenisation with the GPT-2 pattern
 *       {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+} where
 *       {@code \s} is the Unicode White_Space property (as in the Python {@code regex} module and
 *       the Rust tokenizers), case-sensitive;</li>
 *   <li>each piece is encoded as UTF-8 and every byte mapped to a printable character with the GPT-2
 *       byte-to-unicode table;</li>
 *   <li>BPE: repeatedly merge the adjacent pair with the lowest merge rank (all its occurrences,
 *       left to right) until no adjacent pair has a rank;</li>
 *   <li>each resulting symbol is looked up in the vocabulary ({@code <unk>} if absent, which never
 *       happens for roberta-base since all 256 byte symbols and every merge result are entries).</li>
 * </ol>
 *
 * <p>Besides ids the encoder reports character offsets of every token in the original Java string
 * (UTF-16 indices), computed like the HuggingFace Rust tokenizer does for RoBERTa
 * ({@code RobertaTokenizerFast}, {@code trim_offsets=True}): a token covers the whole characters its
 * bytes belong to (all byte-pieces of one multi-byte character get that character's span), then leading
 * and trailing spaces ({@code Ġ}) are trimmed off the span.
 *
 * <p>Instances are immutable and thread-safe; word-level BPE results are memoised in a bounded cache.
 */
public final class ByteLevelBpe {

    /** GPT-2 pre-tokenisation pattern; UNICODE_CHARACTER_CLASS makes {@code \s} the White_Space property. */
    static final Pattern GPT2_SPLIT = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    private static final int CACHE_LIMIT = 100_000;

    /** byte value (0..255) -> printable stand-in character. */
    private static final char[] BYTE_TO_CHAR = buildByteToChar();
    /** stand-in character (0..511) -> byte value, -1 if not a stand-in. */
    private static final int[] CHAR_TO_BYTE = buildCharToByte();

    private final Map<String, Integer> vocab;
    private final String[] idToToken;
    /** Symbol strings of internal ids >= vocab size (merge results or bytes missing from the vocab). */
    private final List<String> extraSymbols;
    /** (left id << 32 | right id) -> (rank << 32 | merged id). */
    private final Map<Long, Long> merges;
    private final List<String> mergeRules;
    /** internal symbol id of every byte value. */
    private final int[] byteSymbol;
    private final int unkId;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    private ByteLevelBpe(Map<String, Integer> vocab, List<String[]> mergeList, String unkToken) {
        this.vocab = Collections.unmodifiableMap(vocab);
        int size = 0;
        for (int id : vocab.values()) {
            if (id < 0) {
                throw new IllegalArgumentException("vocab.json: negative token id " + id);
            }
            size = Math.max(size, id + 1);
        }
        this.idToToken = new String[size];
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            if (idToToken[e.getValue()] != null) {
                throw new IllegalArgumentException("vocab.json: id " + e.getValue() + " is used by both '"
                        + idToToken[e.getValue()] + "' and '" + e.getKey() + "'");
            }
            idToToken[e.getValue()] = e.getKey();
        }
        Integer unk = vocab.get(unkToken);
        this.unkId = unk == null ? -1 : unk;
        this.extraSymbols = new ArrayList<>();
        Map<String, Integer> extraIds = new HashMap<>();
        this.byteSymbol = new int[256];
        for (int b = 0; b < 256; b++) {
            byteSymbol[b] = symbolId(String.valueOf(BYTE_TO_CHAR[b]), extraIds);
        }
        this.merges = new HashMap<>(mergeList.size() * 2);
        List<String> rules = new ArrayList<>(mergeList.size());
        int rank = 0;
        for (String[] m : mergeList) {
            rules.add(m[0] + " " + m[1]);
            int left = symbolId(m[0], extraIds);
            int right = symbolId(m[1], extraIds);
            int merged = symbolId(m[0] + m[1], extraIds);
            long key = pack(left, right);
            // The Python tokenizer builds dict(zip(merges, range(n))): a repeated pair keeps its LAST rank.
            merges.put(key, pack(rank, merged));
            rank++;
        }
        this.mergeRules = Collections.unmodifiableList(rules);
    }

    private int symbolId(String symbol, Map<String, Integer> extraIds) {
        Integer id = vocab.get(symbol);
        if (id != null) {
            return id;
        }
        Integer extra = extraIds.get(symbol);
        if (extra == null) {
            extra = idToToken.length + extraSymbols.size();
            extraSymbols.add(symbol);
            extraIds.put(symbol, extra);
        }
        return extra;
    }

    private static long pack(int hi, int lo) {
        return ((long) hi << 32) | (lo & 0xFFFFFFFFL);
    }

    /**
     * Reads {@code vocab.json} (a JSON object token -> id) and {@code merges.txt} (optional first line
     * {@code #version: ...}, then one merge {@code "left right"} per line).
     *
     * @param vocabJson the vocabulary stream (UTF-8), not closed
     * @param mergesTxt the merge list stream (UTF-8), not closed
     * @param unkToken  the unknown token ({@code <unk>} for RoBERTa)
     * @return the model
     * @throws IOException if a stream cannot be read or is malformed
     */
    public static ByteLevelBpe read(InputStream vocabJson, InputStream mergesTxt, String unkToken)
            throws IOException {
        return new ByteLevelBpe(readVocab(vocabJson), readMerges(mergesTxt), unkToken);
    }

    /**
     * Parses a {@code vocab.json} stream.
     *
     * @param in UTF-8 JSON object token -> id, not closed
     * @return the vocabulary in file order
     * @throws IOException if the stream is not a JSON object of integers
     */
    static Map<String, Integer> readVocab(InputStream in) throws IOException {
        JsonReader r = new JsonReader(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        Map<String, Integer> vocab = new LinkedHashMap<>(100_000);
        try {
            if (r.peek() != JsonToken.BEGIN_OBJECT) {
                throw new IOException("vocab.json must be a JSON object mapping token -> id");
            }
            r.beginObject();
            while (r.hasNext()) {
                String token = r.nextName();
                if (r.peek() != JsonToken.NUMBER) {
                    throw new IOException("vocab.json: id of token '" + token + "' is not a number");
                }
                vocab.put(token, r.nextInt());
            }
            r.endObject();
        } catch (IllegalStateException | NumberFormatException | MalformedJsonException e) {
            throw new IOException("vocab.json is not valid JSON: " + e.getMessage(), e);
        }
        if (vocab.isEmpty()) {
            throw new IOException("vocab.json is empty");
        }
        return vocab;
    }

    /**
     * Parses a {@code merges.txt} stream.
     *
     * @param in UTF-8 text, not closed
     * @return the merges in rank order
     * @throws IOException if a line is not two space-separated symbols
     */
    static List<String[]> readMerges(InputStream in) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        List<String[]> out = new ArrayList<>(50_000);
        String line;
        int lineNo = 0;
        while ((line = r.readLine()) != null) {
            lineNo++;
            if (lineNo == 1 && line.startsWith("#version")) {
                continue;
            }
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split(" ", -1);
            if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                throw new IOException("merges.txt line " + lineNo + " is not 'left right': " + line);
            }
            out.add(parts);
        }
        return out;
    }

    /** @return the vocabulary (token -> id), unmodifiable */
    public Map<String, Integer> vocab() {
        return vocab;
    }

    /** @return number of ids (largest id + 1) */
    public int vocabSize() {
        return idToToken.length;
    }

    /** @return number of merge rules */
    public int numMerges() {
        return mergeRules.size();
    }

    /** @return the merge rules {@code "left right"} in rank order (as in {@code merges.txt}), unmodifiable */
    public List<String> mergeRules() {
        return mergeRules;
    }

    /**
     * @param token a vocabulary entry
     * @return its id, or -1 if it is not in the vocabulary
     */
    public int tokenToId(String token) {
        Integer id = vocab.get(token);
        return id == null ? -1 : id;
    }

    /**
     * @param id a token id
     * @return the vocabulary entry (byte-level form, e.g. {@code Ġhorse})
     * @throws IllegalArgumentException if the id is not in the vocabulary
     */
    public String idToToken(int id) {
        if (id < 0 || id >= idToToken.length || idToToken[id] == null) {
            throw new IllegalArgumentException("token id " + id + " is not in the vocabulary (size "
                    + idToToken.length + ")");
        }
        return idToToken[id];
    }

    /**
     * Maps the characters of a byte-level token back to the raw bytes they stand for.
     *
     * @param token a byte-level token such as {@code ĠcafÃ©}
     * @return its bytes; characters that are not byte stand-ins (e.g. in {@code <s>}) contribute
     *     their own UTF-8 encoding
     */
    public static byte[] tokenBytes(String token) {
        byte[] out = new byte[token.length() * 4];
        int n = 0;
        for (int i = 0; i < token.length(); ) {
            int cp = token.codePointAt(i);
            i += Character.charCount(cp);
            int b = cp < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[cp] : -1;
            if (b >= 0) {
                out[n++] = (byte) b;
            } else {
                byte[] raw = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                System.arraycopy(raw, 0, out, n, raw.length);
                n += raw.length;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * Tokenises {@code text[begin, end)} (pre-tokenisation + BPE, no special tokens) and appends the
     * tokens to {@code out}.
     *
     * @param text  the full text (offsets are reported in its UTF-16 indices)
     * @param begin first char of the piece
     * @param end   end (exclusive) of the piece
     * @param out   receives ids, token strings and trimmed offsets
     * @throws IllegalArgumentException if the piece contains an unpaired surrogate (not encodable as
     *     UTF-8, like Python's {@code str.encode("utf-8")} refusing it)
     */
    void encodePiece(String text, int begin, int end, TokenList out) {
        Matcher m = GPT2_SPLIT.matcher(text);
        m.region(begin, end);
        while (m.find()) {
            encodeWord(text, m.start(), m.end(), out);
        }
    }

    /**
     * Applies BPE to one pre-tokenised word {@code text[ws, we)}.
     */
    private void encodeWord(String text, int ws, int we, TokenList out) {
        // UTF-8 bytes of the word, with for every byte the UTF-16 span of its character.
        int maxBytes = (we - ws) * 3;
        byte[] bytes = new byte[maxBytes];
        int[] charStart = new int[maxBytes];
        int[] charEnd = new int[maxBytes];
        int nb = 0;
        for (int i = ws; i < we; ) {
            char c = text.charAt(i);
            int cp;
            int len;
            if (Character.isHighSurrogate(c) && i + 1 < we && Character.isLowSurrogate(text.charAt(i + 1))) {
                cp = Character.toCodePoint(c, text.charAt(i + 1));
                len = 2;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("text contains an unpaired surrogate U+"
                        + Integer.toHexString(c).toUpperCase() + " at index " + i
                        + "; it cannot be encoded as UTF-8");
            } else {
                cp = c;
                len = 1;
            }
            int before = nb;
            if (cp < 0x80) {
                bytes[nb++] = (byte) cp;
            } else if (cp < 0x800) {
                bytes[nb++] = (byte) (0xC0 | (cp >> 6));
                bytes[nb++] = (byte) (0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                bytes[nb++] = (byte) (0xE0 | (cp >> 12));
                bytes[nb++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                bytes[nb++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                bytes[nb++] = (byte) (0xF0 | (cp >> 18));
                bytes[nb++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                bytes[nb++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                bytes[nb++] = (byte) (0x80 | (cp & 0x3F));
            }
            for (int b = before; b < nb; b++) {
                charStart[b] = i;
                charEnd[b] = i + len;
            }
            i += len;
        }
        char[] key = new char[nb];
        for (int b = 0; b < nb; b++) {
            key[b] = BYTE_TO_CHAR[bytes[b] & 0xFF];
        }
        String word = new String(key);
        int[] symbols = cache.get(word);
        if (symbols == null) {
            int[] initial = new int[nb];
            for (int b = 0; b < nb; b++) {
                initial[b] = byteSymbol[bytes[b] & 0xFF];
            }
            symbols = bpe(initial);
            if (cache.size() >= CACHE_LIMIT) {
                cache.clear();
            }
            cache.put(word, symbols);
        }
        int pos = 0;
        for (int sym : symbols) {
            String s = symbolString(sym);
            int len = s.length(); // every byte stand-in is one BMP char
            int start = charStart[pos];
            int stop = charEnd[pos + len - 1];
            int lead = 0;
            while (lead < len && key[pos + lead] == BYTE_TO_CHAR[' ']) {
                lead++;
            }
            int trail = 0;
            while (trail < len && key[pos + len - 1 - trail] == BYTE_TO_CHAR[' ']) {
                trail++;
            }
            if (lead > 0) {
                start = Math.min(start + lead, stop);
            }
            if (trail > 0 && stop >= trail) {
                stop = Math.max(stop - trail, start);
            }
            int id = sym < idToToken.length ? sym : unkId;
            if (id < 0) {
                throw new IllegalStateException("symbol '" + s + "' is not in the vocabulary and there is no"
                        + " unknown token");
            }
            out.add(id, sym < idToToken.length ? s : idToToken[unkId], start, stop);
            pos += len;
        }
    }

    private String symbolString(int sym) {
        return sym < idToToken.length ? idToToken[sym] : extraSymbols.get(sym - idToToken.length);
    }

    /** The GPT-2 merge loop on internal symbol ids. */
    private int[] bpe(int[] word) {
        int n = word.length;
        int[] w = word.clone();
        while (n > 1) {
            int bestRank = Integer.MAX_VALUE;
            long bestPair = 0;
            int bestMerged = -1;
            for (int i = 0; i + 1 < n; i++) {
                Long hit = merges.get(pack(w[i], w[i + 1]));
                if (hit != null) {
                    int rank = (int) (hit >>> 32);
                    if (rank < bestRank) {
                        bestRank = rank;
                        bestPair = pack(w[i], w[i + 1]);
                        bestMerged = (int) (hit & 0xFFFFFFFFL);
                    }
                }
            }
            if (bestMerged < 0) {
                break;
            }
            int first = (int) (bestPair >>> 32);
            int second = (int) bestPair;
            int m = 0;
            for (int i = 0; i < n; ) {
                if (i + 1 < n && w[i] == first && w[i + 1] == second) {
                    w[m++] = bestMerged;
                    i += 2;
                } else {
                    w[m++] = w[i++];
                }
            }
            n = m;
        }
        return Arrays.copyOf(w, n);
    }

    private static char[] buildByteToChar() {
        char[] map = new char[256];
        boolean[] printable = new boolean[256];
        for (int b = '!'; b <= '~'; b++) {
            printable[b] = true;
        }
        for (int b = 0xA1; b <= 0xAC; b++) {
            printable[b] = true;
        }
        for (int b = 0xAE; b <= 0xFF; b++) {
            printable[b] = true;
        }
        int next = 0;
        for (int b = 0; b < 256; b++) {
            map[b] = printable[b] ? (char) b : (char) (256 + next++);
        }
        return map;
    }

    private static int[] buildCharToByte() {
        int[] inv = new int[512];
        Arrays.fill(inv, -1);
        for (int b = 0; b < 256; b++) {
            inv[BYTE_TO_CHAR[b]] = b;
        }
        return inv;
    }
}
