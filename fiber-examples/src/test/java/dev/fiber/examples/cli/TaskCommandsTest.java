package dev.fiber.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fiber.core.checkpoint.SafeTensors;
import dev.fiber.core.checkpoint.TorchCheckpoint;
import dev.fiber.core.io.Npy;
import dev.fiber.core.io.NpyArray;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The task commands ({@code vqa}, {@code caption}, {@code itm}, {@code nlvr2}, {@code retrieve
 * index|search|eval}) on the tiny reference checkpoint, their JSON output, and their one-line errors;
 * {@code parity} also writes {@code caption_beam_ids} equal to the official beam search.
 */
class TaskCommandsTest {

    @TempDir
    static Path tmp;
    static String ckpt;
    static String images;

    /** Result of one CLI run. */
    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new FiberCli());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void setUp() {
        ckpt = ParityCommandTest.data("coarse/tiny.ckpt").toString();
        images = ParityCommandTest.data("coarse/images").toString();
    }

    static String img(String name) {
        return images + "/" + name;
    }

    static Path vocabulary() throws Exception {
        Path f = tmp.resolve("answers.txt");
        if (!Files.exists(f)) {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 3129; i++) {
                lines.add("answer " + i);
            }
            Files.write(f, lines);
        }
        return f;
    }

    @Test
    void vqaAnswersAsJson() throws Exception {
        Run r = run("vqa", "-m", ckpt, "--vocab", vocabulary().toString(), "-i", img("a.png"), "-q", "a man riding a horse on a sandy beach.",
                "-q", "what is this?", "-k", "2", "--device", "cpu", "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        JsonArray res = o.getAsJsonArray("results");
        assertEquals(2, res.size());
        assertEquals(2, res.get(0).getAsJsonObject().getAsJsonArray("answers").size());
        // class 1751 is the arg-max of the reference vqa_logits[0]
        assertEquals(1751, res.get(0).getAsJsonObject().getAsJsonArray("answers").get(0).getAsJsonObject().get("classIndex").getAsInt());
    }

    @Test
    void clearErrors() throws Exception {
        Run noVocab = run("vqa", "-m", ckpt, "-i", img("a.png"), "-q", "what?", "--device", "cpu");
        assertEquals(1, noVocab.code());
        assertTrue(noVocab.err().startsWith("fiber vqa: error: no VQA answer vocabulary") && noVocab.err().contains("fiber vqa-vocab"),
                noVocab.err());
        Run noImage = run("vqa", "-m", ckpt, "--vocab", vocabulary().toString(), "-i", img("none.png"), "-q", "what?");
        assertEquals(1, noImage.code());
        assertTrue(noImage.err().contains("none.png") && noImage.err().contains("not found"), noImage.err());
        Run empty = run("itm", "-m", ckpt, "-i", img("a.png"), "-t", " ", "--device", "cpu");
        assertEquals(1, empty.code());
        assertTrue(empty.err().contains("empty"), empty.err());
        Run noCkpt = run("caption", "-m", tmp.resolve("missing.ckpt").toString(), "-i", img("a.png"));
        assertEquals(1, noCkpt.code());
        assertTrue(noCkpt.err().contains("missing.ckpt"), noCkpt.err());
        Run wrongKind = run("vqa", "-m", retrievalOnly().toString(), "--vocab", vocabulary().toString(), "-i", img("a.png"), "-q", "what?",
                "--device", "cpu");
        assertEquals(1, wrongKind.code());
        assertTrue(wrongKind.err().contains("has no vqa_classifier"), wrongKind.err());
        Run wrongName = run("nlvr2", "-m", "fiber-vqa", "--left", img("a.png"), "--right", img("b.png"), "-s", "x");
        assertEquals(1, wrongName.code());
        assertTrue(wrongName.err().contains("fiber-vqa is a vqa checkpoint"), wrongName.err());
        Run notImage = run("itm", "-m", ckpt, "-i", ParityCommandTest.data("coarse/README.md").toString(), "-t", "x");
        assertEquals(1, notImage.code());
        assertTrue(notImage.err().contains("README.md"), notImage.err());
    }

    @SuppressWarnings("unchecked")
    static Path retrievalOnly() throws Exception {
        Path out = tmp.resolve("tiny_retrieval.safetensors");
        if (Files.exists(out)) {
            return out;
        }
        try (TorchCheckpoint ck = TorchCheckpoint.open(Path.of(ckpt))) {
            LinkedHashMap<String, SafeTensors.Entry> t = new LinkedHashMap<>();
            for (var e : ck.stateDict().entrySet()) {
                if (!e.getKey().startsWith("vqa_classifier.") && !e.getKey().startsWith("nlvr2_classifier.")
                        && !e.getKey().startsWith("cross_modal_att_layers.")) {
                    t.put(e.getKey(), SafeTensors.Entry.of(e.getValue()));
                }
            }
            Map<String, Object> cfg = new LinkedHashMap<>((Map<String, Object>) ck.hyperParameters().get("config"));
            cfg.put("loss_names", Map.of("itm", 1, "itc", 1, "mlm", 1));
            SafeTensors.write(out, t, Map.of("config", new Gson().toJson(cfg)));
        }
        return out;
    }

    @Test
    void captionItmNlvr2() throws Exception {
        Run cap = run("caption", "-m", ckpt, "-i", img("a.png"), "-i", img("b.png"), "--device", "cpu", "--json");
        assertEquals(0, cap.code(), cap.err());
        JsonObject beam = JsonParser.parseString(Files.readString(ParityCommandTest.data("coarse/tiny_caption_beam.json"))).getAsJsonObject();
        JsonArray got = JsonParser.parseString(cap.out()).getAsJsonObject().getAsJsonArray("results");
        for (int i = 0; i < 2; i++) {
            assertEquals(beam.getAsJsonArray("results").get(i).getAsJsonObject().get("caption").getAsString().strip(),
                    got.get(i).getAsJsonObject().get("caption").getAsString());
        }
        Run itm = run("itm", "-m", ckpt, "-i", img("a.png"), "-t", "a dog", "-t", "a horse", "--json");
        assertEquals(0, itm.code(), itm.err());
        assertEquals(2, JsonParser.parseString(itm.out()).getAsJsonObject().getAsJsonArray("results").size());
        Run n = run("nlvr2", "-m", ckpt, "--left", img("b.png"), "--right", img("a.png"), "-s",
                "Two dogs are playing with a red frisbee in the park, while a small crowd watches them.", "--json");
        assertEquals(0, n.code(), n.err());
        JsonArray logits = JsonParser.parseString(n.out()).getAsJsonObject().getAsJsonArray("logits");
        float[] ref = Npy.readNpz(ParityCommandTest.data("coarse/tiny_cases.npz")).get("nlvr2_logits").toFloatArray();
        assertEquals(ref[2], logits.get(0).getAsFloat(), 1e-4);
        assertEquals(ref[3], logits.get(1).getAsFloat(), 1e-4);
    }

    @Test
    void retrieveIndexSearchEval() throws Exception {
        Path texts = tmp.resolve("texts.txt");
        Files.write(texts, List.of("a man riding a horse on a sandy beach.", "two dogs with a frisbee", "a red bus"));
        Path ti = tmp.resolve("texts.index");
        Run idx = run("retrieve", "index", "-m", ckpt, "--texts", texts.toString(), "--out", ti.toString());
        assertEquals(0, idx.code(), idx.err());
        Run s = run("retrieve", "search", "-m", ckpt, "--index", ti.toString(), "-i", img("a.png"), "-k", "2", "--rerank", "3", "--json");
        assertEquals(0, s.code(), s.err());
        JsonArray res = JsonParser.parseString(s.out()).getAsJsonObject().getAsJsonArray("results");
        assertEquals(2, res.size());
        assertTrue(res.get(0).getAsJsonObject().has("itmLogit"));
        Path ii = tmp.resolve("images.index");
        assertEquals(0, run("retrieve", "index", "-m", ckpt, "--images", images, "--out", ii.toString()).code());
        Run wrongQuery = run("retrieve", "search", "-m", ckpt, "--index", ii.toString(), "-i", img("a.png"));
        assertEquals(1, wrongQuery.code());
        assertTrue(wrongQuery.err().contains("query it with --text"), wrongQuery.err());
        Path karpathy = tmp.resolve("k.json");
        Files.writeString(karpathy, "{\"images\": [{\"filename\": \"a.png\", \"split\": \"test\", \"sentences\": [{\"raw\": \"a horse\"}]},"
                + "{\"filename\": \"b.png\", \"split\": \"test\", \"sentences\": [{\"raw\": \"two dogs\"}]}]}");
        Run ev = run("retrieve", "eval", "-m", ckpt, "--karpathy", karpathy.toString(), "--images", images, "--json");
        assertEquals(0, ev.code(), ev.err());
        JsonObject o = JsonParser.parseString(ev.out()).getAsJsonObject();
        assertEquals(2, o.get("images").getAsInt());
        assertEquals(1.0, o.getAsJsonObject("itc").get("TR@5").getAsDouble());
    }

    @Test
    void parityWritesTheOfficialBeamIds() throws Exception {
        Path out = tmp.resolve("parity.npz");
        Run r = run("parity", "--checkpoint", ckpt, "--inputs", ParityCommandTest.data("coarse/tiny_cases.npz").toString(), "--out",
                out.toString(), "--device", "cpu");
        assertEquals(0, r.code(), r.err());
        NpyArray ids = Npy.readNpz(out).get("caption_beam_ids");
        assertArrayEquals(new long[] {2, 39}, ids.shape());
        JsonArray res = JsonParser.parseString(Files.readString(ParityCommandTest.data("coarse/tiny_caption_beam.json")))
                .getAsJsonObject().getAsJsonArray("results");
        long[] got = ids.toLongArray();
        for (int i = 0; i < 2; i++) {
            JsonArray want = res.get(i).getAsJsonObject().getAsJsonArray("ids");
            for (int j = 0; j < 39; j++) {
                assertEquals(want.get(j).getAsLong(), got[i * 39 + j], "image " + i + " id " + j);
            }
        }
    }
}
