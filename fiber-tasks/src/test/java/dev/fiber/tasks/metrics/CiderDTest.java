package dev.fiber.tasks.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CiderDTest {

    private static final double RTOL = 1e-12;

    @TempDir
    Path tmp;

    private static JsonObject cider() {
        return MetricsReference.json().getAsJsonObject("cider_d");
    }

    private static double check(String variant, CiderD.Result r) {
        JsonObject v = cider().getAsJsonObject(variant);
        double[] expected = MetricsReference.doubles(v.getAsJsonArray("per_image"));
        assertEquals(expected.length, r.perImage().length);
        double maxRel = 0;
        int bitExact = 0;
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(r.perImage()[i] - expected[i]);
            double rel = expected[i] == 0 ? err : err / Math.abs(expected[i]);
            maxRel = Math.max(maxRel, rel);
            if (r.perImage()[i] == expected[i]) {
                bitExact++;
            }
            assertTrue(rel <= RTOL, variant + " image " + i + ": " + r.perImage()[i] + " vs " + expected[i]);
        }
        double meanExpected = v.get("mean").getAsDouble();
        double meanRel = Math.abs(r.mean() - meanExpected) / Math.abs(meanExpected);
        assertTrue(meanRel <= RTOL, variant + " mean " + r.mean() + " vs " + meanExpected);
        System.out.printf("CIDEr-D %s: max rel err per image %.3g (%d/%d bit-identical), mean rel err %.3g%n",
                variant, maxRel, bitExact, expected.length, meanRel);
        return maxRel;
    }

    @Test
    void corpusDfMatchesOfficial() {
        List<String> cands = MetricsReference.strings(cider().getAsJsonArray("candidates"));
        List<List<String>> refs = MetricsReference.strings2d(cider().getAsJsonArray("refs"));
        check("raw_corpus_df", new CiderD().compute(cands, refs));
    }

    @Test
    void wrappedSentencesMatchOfficial() {
        JsonObject w = cider().getAsJsonObject("wrapped_corpus_df");
        List<String> cands = MetricsReference.strings(cider().getAsJsonArray("candidates"));
        List<List<String>> refs = MetricsReference.strings2d(cider().getAsJsonArray("refs"));
        List<String> wrappedCands = new ArrayList<>();
        cands.forEach(c -> wrappedCands.add(CiderD.wrapSentence(c)));
        List<List<String>> wrappedRefs = new ArrayList<>();
        for (List<String> r : refs) {
            List<String> x = new ArrayList<>();
            r.forEach(s -> x.add(CiderD.wrapSentence(s)));
            wrappedRefs.add(x);
        }
        assertEquals(MetricsReference.strings(w.getAsJsonArray("candidates_wrapped")), wrappedCands);
        assertEquals(MetricsReference.strings2d(w.getAsJsonArray("refs_wrapped")), wrappedRefs);
        check("wrapped_corpus_df", new CiderD().compute(wrappedCands, wrappedRefs));
    }

    @Test
    void fixedDfTableMatchesOfficialPickleMode() throws Exception {
        JsonObject p = cider().getAsJsonObject("raw_pickle_df");
        CiderD.DocumentFrequency df = CiderD.DocumentFrequency.fromJson(p.getAsJsonObject("df_pickle"));
        assertEquals(10.0, df.refLen());
        List<String> cands = MetricsReference.strings(cider().getAsJsonArray("candidates"));
        List<List<String>> refs = MetricsReference.strings2d(cider().getAsJsonArray("refs"));
        check("raw_pickle_df", new CiderD(4, 6.0, df).compute(cands, refs));

        // the same table rebuilt from the corpus it was made from (6 images' refs + 4 extra images)
        List<List<String>> corpus = new ArrayList<>(refs);
        corpus.addAll(MetricsReference.strings2d(p.getAsJsonArray("extra_df_images")));
        CiderD.DocumentFrequency rebuilt = CiderD.DocumentFrequency.fromReferences(corpus, 4);
        assertEquals(df.size(), rebuilt.size());
        assertEquals(10.0, rebuilt.refLen());
        assertEquals(df.count(List.of("a")), rebuilt.count(List.of("a")));
        assertEquals(10.0, rebuilt.count(List.of("a")));
        check("raw_pickle_df", new CiderD(4, 6.0, rebuilt).compute(cands, refs));

        Path f = tmp.resolve("df.json");
        Files.writeString(f, p.getAsJsonObject("df_pickle").toString());
        assertEquals(df.size(), CiderD.DocumentFrequency.readJson(f).size());
        Files.writeString(f, "{\"ref_len\": 3}");
        assertThrows(java.io.IOException.class, () -> CiderD.DocumentFrequency.readJson(f));
    }

    @Test
    void propertiesAndErrors() {
        CiderD c = new CiderD();
        // identical candidate and refs in a 2-image corpus: bigram length equal, score > 0
        CiderD.Result r = c.compute(List.of("a b c", "x y z"), List.of(List.of("a b c"), List.of("q r s")));
        assertTrue(r.perImage()[0] > 0);
        assertEquals(0.0, r.perImage()[1]);
        // case and punctuation matter ("couch." != "couch")
        CiderD.Result r2 = c.compute(List.of("a couch.", "x"), List.of(List.of("a couch"), List.of("y")));
        CiderD.Result r3 = c.compute(List.of("a couch", "x"), List.of(List.of("a couch"), List.of("y")));
        assertTrue(r3.perImage()[0] > r2.perImage()[0]);
        assertThrows(IllegalArgumentException.class, () -> c.compute(List.of("a"), List.of(List.of())));
        assertThrows(IllegalArgumentException.class, () -> c.compute(List.of("a"), List.of()));
        assertThrows(IllegalArgumentException.class, () -> c.compute(List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> c.compute(List.of("a"), List.of(List.of(" "))));
        assertThrows(IllegalArgumentException.class, () -> new CiderD(0, 6, null));
        assertThrows(IllegalArgumentException.class,
                () -> CiderD.DocumentFrequency.of(Map.of(List.of("a b"), 1.0), 3));
        assertEquals("x <eos>", CiderD.wrapSentence("  x. \n"));
        assertEquals("x. <eos>", CiderD.wrapSentence("x.."));
    }
}
