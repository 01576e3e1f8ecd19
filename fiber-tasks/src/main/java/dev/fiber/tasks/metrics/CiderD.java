package dev.fiber.tasks.metrics;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.fiber.tasks.util.PythonText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * CIDEr-D (Vedantam et al. 2015), a faithful port of the scorer FIBER ships in
 * {@code modules/cider/ciderD} (used as the reward of its {@code caption_cider} self-critical training).
 *
 * <p>For each candidate with its references: every sentence is split on whitespace only (Python
 * {@code str.split()}: no lower-casing, no punctuation removal) into 1..n-grams; each n-gram gets the
 * weight {@code term count × (log(N) − log(max(1, df)))}, where {@code df} is the n-gram's document
 * frequency and {@code N} the number of documents. For each n and each reference the similarity is
 * {@code Σ_{candidate n-grams} min(w_cand, w_ref) · w_ref} (the "-D" clipping), divided by
 * {@code |w_cand|·|w_ref|} when both norms are non-zero, times the Gaussian length penalty
 * {@code e^(−δ²/(2σ²))}. The per-candidate score is {@code 10 × mean_n(Σ_refs sim_n) / #refs}; the corpus
 * score is the mean over candidates (numpy's summation order).
 *
 * <p>Quirk kept: the "length" δ compares is the number of <b>bigrams</b> (the official code sums term counts
 * of n-gram index 1), i.e. words − 1 for a sentence of two or more words and 0 for one word.
 *
 * <p>Document frequencies: with {@link DocumentFrequency} {@code null} ("corpus" mode) they are counted over
 * the references of the candidates being scored (one document per candidate entry, even if two entries
 * share an image) and N = number of entries; otherwise a fixed table is used as is (the official pickle
 * mode, e.g. {@code coco-train-words.p}; n-grams absent from it have df 0, i.e. the maximal weight).
 */
public final class CiderD {

    /** Default maximal n-gram length. */
    public static final int DEFAULT_N = 4;
    /** Default standard deviation of the length penalty. */
    public static final double DEFAULT_SIGMA = 6.0;

    private final int n;
    private final double sigma;
    private final DocumentFrequency fixedDf;

    /** CIDEr-D with n = 4, σ = 6, corpus document frequencies. */
    public CiderD() {
        this(DEFAULT_N, DEFAULT_SIGMA, null);
    }

    /**
     * @param n     maximal n-gram length (≥ 1)
     * @param sigma standard deviation of the Gaussian length penalty (&gt; 0)
     * @param df    fixed document frequencies, or {@code null} to count them over the scored references
     */
    public CiderD(int n, double sigma, DocumentFrequency df) {
        if (n < 1) {
            throw new IllegalArgumentException("CIDEr-D n must be >= 1, got " + n);
        }
        if (!(sigma > 0)) {
            throw new IllegalArgumentException("CIDEr-D sigma must be > 0, got " + sigma);
        }
        this.n = n;
        this.sigma = sigma;
        this.fixedDf = df;
    }

    /**
     * Scores and their mean.
     *
     * @param mean     mean over candidates (float64, numpy order)
     * @param perImage score of each candidate, in input order
     */
    public record Result(double mean, double[] perImage) {}

    /**
     * Scores candidates against their references (the official {@code compute_score(gts, res)} with
     * {@code res[k] = {image_id: k, caption: [candidates[k]]}} and {@code gts[k] = references[k]}).
     *
     * @param candidates one candidate sentence per entry
     * @param references the reference sentences of each entry (at least one each)
     * @return per-entry scores and their mean
     * @throws IllegalArgumentException on size mismatch, an entry without references, no entries, or (in
     *                                  corpus mode) references without any n-gram
     */
    public Result compute(List<String> candidates, List<List<String>> references) {
        if (candidates.size() != references.size()) {
            throw new IllegalArgumentException(candidates.size() + " candidates but " + references.size()
                    + " reference lists");
        }
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("CIDEr-D needs at least one candidate");
        }
        List<NGramCounts> tests = new ArrayList<>(candidates.size());
        List<List<NGramCounts>> refs = new ArrayList<>(references.size());
        for (int k = 0; k < candidates.size(); k++) {
            tests.add(NGramCounts.of(Objects.requireNonNull(candidates.get(k), "candidate " + k), n));
            List<String> r = references.get(k);
            if (r == null || r.isEmpty()) {
                throw new IllegalArgumentException("entry " + k + " has no reference sentence");
            }
            List<NGramCounts> cooked = new ArrayList<>(r.size());
            for (String s : r) {
                cooked.add(NGramCounts.of(Objects.requireNonNull(s, "reference of entry " + k), n));
            }
            refs.add(cooked);
        }
        Map<String, Double> df;
        double logRefLen;
        if (fixedDf == null) {
            df = new HashMap<>();
            for (List<NGramCounts> imageRefs : refs) {
                Set<String> seen = new HashSet<>();
                for (NGramCounts c : imageRefs) {
                    seen.addAll(c.keys);
                }
                for (String g : seen) {
                    df.merge(g, 1.0, Double::sum);
                }
            }
            if (df.isEmpty()) {
                throw new IllegalArgumentException("CIDEr-D corpus mode: the references contain no n-gram");
            }
            logRefLen = Math.log(refs.size());
        } else {
            df = fixedDf.counts;
            logRefLen = fixedDf.logRefLen;
        }
        double[] scores = new double[tests.size()];
        for (int k = 0; k < tests.size(); k++) {
            Vec hyp = vectorize(tests.get(k), df, logRefLen);
            double[] score = new double[n];
            for (NGramCounts ref : refs.get(k)) {
                double[] sim = similarity(hyp, vectorize(ref, df, logRefLen));
                for (int g = 0; g < n; g++) {
                    score[g] += sim[g];
                }
            }
            double avg = NumpySum.mean(score);
            avg /= refs.get(k).size();
            avg *= 10.0;
            scores[k] = avg;
        }
        return new Result(NumpySum.mean(scores), scores);
    }

    /**
     * The sentence wrapping of FIBER's {@code compute_caption_cider} ({@code _wrap_sentence}, applied to
     * references and candidates there): strip whitespace, drop one trailing period, append {@code " <eos>"}.
     *
     * @param s a sentence
     * @return the wrapped sentence
     */
    public static String wrapSentence(String s) {
        String r = PythonText.strip(s);
        if (r.endsWith(".")) {
            r = r.substring(0, r.length() - 1);
        }
        return r + " <eos>";
    }

    private Vec vectorize(NGramCounts counts, Map<String, Double> df, double logRefLen) {
        Vec v = new Vec(n);
        for (int e = 0; e < counts.keys.size(); e++) {
            String gram = counts.keys.get(e);
            int order = counts.orders[e];
            int tf = counts.counts[e];
            double idf = Math.log(Math.max(1.0, df.getOrDefault(gram, 0.0)));
            double w = (double) tf * (logRefLen - idf);
            v.weights.get(order).put(gram, w);
            v.norm[order] += w * w;
            if (order == 1) {
                v.length += tf;
            }
        }
        for (int g = 0; g < n; g++) {
            v.norm[g] = Math.sqrt(v.norm[g]);
        }
        return v;
    }

    private double[] similarity(Vec hyp, Vec ref) {
        double delta = (double) (hyp.length - ref.length);
        double penalty = Math.pow(Math.E, -(delta * delta) / (2 * (sigma * sigma)));
        double[] val = new double[n];
        for (int g = 0; g < n; g++) {
            Map<String, Double> refWeights = ref.weights.get(g);
            for (Map.Entry<String, Double> e : hyp.weights.get(g).entrySet()) {
                double h = e.getValue();
                double r = refWeights.getOrDefault(e.getKey(), 0.0);
                val[g] += (r < h ? r : h) * r;
            }
            if (hyp.norm[g] != 0 && ref.norm[g] != 0) {
                val[g] /= hyp.norm[g] * ref.norm[g];
            }
            if (Double.isNaN(val[g])) {
                throw new ArithmeticException("CIDEr-D similarity is NaN (non-finite document frequencies?)");
            }
            val[g] *= penalty;
        }
        return val;
    }

    /** Tf-idf vectors per n-gram order, their norms and the bigram "length". */
    private static final class Vec {
        final List<Map<String, Double>> weights;
        final double[] norm;
        int length;

        Vec(int n) {
            weights = new ArrayList<>(n);
            for (int g = 0; g < n; g++) {
                weights.add(new LinkedHashMap<>());
            }
            norm = new double[n];
        }
    }

    /**
     * Term counts of all 1..n-grams of a sentence, in the official insertion order (all unigrams left to
     * right, then all bigrams, ...). An n-gram is keyed by its words joined with single spaces, which is
     * unambiguous since words never contain whitespace.
     */
    private static final class NGramCounts {
        final List<String> keys;
        final int[] orders;
        final int[] counts;

        private NGramCounts(List<String> keys, int[] orders, int[] counts) {
            this.keys = keys;
            this.orders = orders;
            this.counts = counts;
        }

        static NGramCounts of(String sentence, int n) {
            List<String> words = PythonText.split(sentence);
            LinkedHashMap<String, int[]> map = new LinkedHashMap<>();
            for (int k = 1; k <= n; k++) {
                for (int i = 0; i + k <= words.size(); i++) {
                    String key = String.join(" ", words.subList(i, i + k));
                    int order = k - 1;
                    map.computeIfAbsent(key, x -> new int[] {order, 0})[1]++;
                }
            }
            List<String> keys = new ArrayList<>(map.keySet());
            int[] orders = new int[keys.size()];
            int[] counts = new int[keys.size()];
            int e = 0;
            for (int[] v : map.values()) {
                orders[e] = v[0];
                counts[e] = v[1];
                e++;
            }
            return new NGramCounts(keys, orders, counts);
        }
    }

    /**
     * A fixed document-frequency table (the official "pickle" mode: {@code {"document_frequency": {ngram:
     * count}, "ref_len": N}}, e.g. {@code coco-train-words.p} built from the COCO training captions). The
     * weight of an n-gram is {@code log(N) − log(max(1, count))}.
     */
    public static final class DocumentFrequency {
        private final Map<String, Double> counts;
        private final double refLen;
        private final double logRefLen;

        private DocumentFrequency(Map<String, Double> counts, double refLen) {
            if (!(refLen > 0)) {
                throw new IllegalArgumentException("CIDEr-D ref_len (number of documents) must be > 0, got "
                        + refLen);
            }
            this.counts = Collections.unmodifiableMap(counts);
            this.refLen = refLen;
            this.logRefLen = Math.log(refLen);
        }

        /**
         * @param counts document count of each n-gram (an n-gram = its list of words)
         * @param refLen number of documents N (the pickle's {@code ref_len}; its log is taken here)
         * @return the table
         */
        public static DocumentFrequency of(Map<List<String>, Double> counts, double refLen) {
            Map<String, Double> m = new HashMap<>(counts.size() * 2);
            for (Map.Entry<List<String>, Double> e : counts.entrySet()) {
                if (e.getKey().isEmpty()) {
                    throw new IllegalArgumentException("empty n-gram in a document-frequency table");
                }
                for (String w : e.getKey()) {
                    if (w.isEmpty() || PythonText.split(w).size() != 1) {
                        throw new IllegalArgumentException("n-gram word \"" + w + "\" is empty or has whitespace");
                    }
                }
                m.put(String.join(" ", e.getKey()), e.getValue());
            }
            return new DocumentFrequency(m, refLen);
        }

        /**
         * Builds a table from a reference corpus as the official tooling does for training
         * ({@code coco-train-words.p}): one document per image, df = number of images whose references
         * contain the n-gram, N = number of images.
         *
         * @param referencesPerImage the reference sentences of each image
         * @param n                  maximal n-gram length
         * @return the table
         */
        public static DocumentFrequency fromReferences(List<List<String>> referencesPerImage, int n) {
            Map<String, Double> m = new HashMap<>();
            for (List<String> refs : referencesPerImage) {
                Set<String> seen = new HashSet<>();
                for (String r : refs) {
                    seen.addAll(NGramCounts.of(r, n).keys);
                }
                for (String g : seen) {
                    m.merge(g, 1.0, Double::sum);
                }
            }
            return new DocumentFrequency(m, referencesPerImage.size());
        }

        /**
         * Reads a table from JSON: {@code {"ref_len": N, "document_frequency": [[["a", "man"], 12.0], ...]}}
         * (convert an official pickle once with Python: {@code json.dump({"ref_len": p["ref_len"],
         * "document_frequency": [[list(k), v] for k, v in p["document_frequency"].items()]}, f)}).
         *
         * @param file the JSON file
         * @return the table
         * @throws IOException if the file cannot be read or has another layout
         */
        public static DocumentFrequency readJson(Path file) throws IOException {
            try {
                return fromJson(JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8))
                        .getAsJsonObject());
            } catch (JsonParseException | IllegalStateException | IllegalArgumentException
                    | UnsupportedOperationException e) {
                throw new IOException(file + ": not a CIDEr-D document-frequency table: " + e.getMessage(), e);
            }
        }

        /**
         * @param json {@code {"ref_len": N, "document_frequency": [[[words...], count], ...]}}
         * @return the table
         */
        public static DocumentFrequency fromJson(JsonObject json) {
            if (!json.has("ref_len") || !json.has("document_frequency")) {
                throw new IllegalArgumentException("expected keys \"ref_len\" and \"document_frequency\"");
            }
            Map<List<String>, Double> counts = new HashMap<>();
            for (JsonElement e : json.getAsJsonArray("document_frequency")) {
                JsonArray pair = e.getAsJsonArray();
                List<String> words = new ArrayList<>();
                for (JsonElement w : pair.get(0).getAsJsonArray()) {
                    words.add(w.getAsString());
                }
                counts.put(words, pair.get(1).getAsDouble());
            }
            return of(counts, json.get("ref_len").getAsDouble());
        }

        /**
         * @param ngram the words of an n-gram
         * @return its document count (0 if absent)
         */
        public double count(List<String> ngram) {
            return counts.getOrDefault(String.join(" ", ngram), 0.0);
        }

        /** @return the number of documents N */
        public double refLen() {
            return refLen;
        }

        /** @return the number of n-grams in the table */
        public int size() {
            return counts.size();
        }

        @Override
        public String toString() {
            return "DocumentFrequency[" + counts.size() + " n-grams, N=" + refLen + "]";
        }
    }

    @Override
    public String toString() {
        return "CiderD[n=" + n + ", sigma=" + sigma + ", df=" + (fixedDf == null ? "corpus" : fixedDf) + "]";
    }
}
