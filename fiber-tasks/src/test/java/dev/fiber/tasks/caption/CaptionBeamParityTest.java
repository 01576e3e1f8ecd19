package dev.fiber.tasks.caption;

import dev.fiber.core.TestData;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fiber.core.io.Npy;
import dev.fiber.core.model.FiberModel;
import dev.fiber.core.model.load.LoadOptions;
import dev.fiber.core.text.FiberTokenizer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The beam search port reproduces {@code objectives.caption_test_step} on the tiny reference model
 * ({@code tiny_caption_beam.json}) token for token, step by step ({@code trace_text_ids}), with the
 * official full recomputation and with incremental decoding.
 */
class CaptionBeamParityTest {

    static FiberModel model;
    static JsonObject ref;

    @BeforeAll
    static void load() throws Exception {
        model = FiberModel.load(TestData.file("coarse/tiny.ckpt"), LoadOptions.defaults().withDevice(Device.cpu()));
        ref = JsonParser.parseString(Files.readString(TestData.file("coarse/tiny_caption_beam.json"))).getAsJsonObject();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static long[] longs(JsonArray a) {
        long[] v = new long[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).getAsLong();
        }
        return v;
    }

    List<DecodedCaption> run(boolean incremental, List<long[][]> trace) throws Exception {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray image = Npy.readNpz(TestData.file("coarse/tiny_cases.npz")).get("image").toNDArray(m);
            NDArray embeds = model.captionImageEmbeds(m, image);
            return CaptionSearch.beam(model, m, embeds, ref.get("beam_size").getAsInt(), ref.get("max_text_len").getAsInt(), incremental,
                    CaptionTokens.roberta(), (i, seqs) -> {
                        long[][] copy = new long[seqs.length][];
                        for (int r = 0; r < seqs.length; r++) {
                            copy[r] = seqs[r].clone();
                        }
                        trace.add(copy);
                    });
        }
    }

    void check(boolean incremental) throws Exception {
        List<long[][]> trace = new ArrayList<>();
        List<DecodedCaption> got = run(incremental, trace);
        JsonArray results = ref.getAsJsonArray("results");
        JsonArray refTrace = ref.getAsJsonArray("trace_text_ids");
        assertEquals(refTrace.size(), trace.size(), "number of steps");
        for (int i = 1; i < refTrace.size(); i++) {
            JsonArray step = refTrace.get(i).getAsJsonArray();
            for (int r = 0; r < step.size(); r++) {
                assertArrayEquals(longs(step.get(r).getAsJsonArray()), trace.get(i)[r], "step " + i + " row " + r);
            }
        }
        FiberTokenizer tok = FiberTokenizer.roberta();
        for (int b = 0; b < results.size(); b++) {
            JsonObject res = results.get(b).getAsJsonObject();
            assertArrayEquals(longs(res.getAsJsonArray("ids")), got.get(b).ids(), "image " + b + " ids");
            String caption = tok.decode(got.get(b).tokens(tok.padId()), false);
            System.out.printf("image %d (%s): %d tokens, score %.4f, \"%s\"%n", b, incremental ? "incremental" : "full recompute",
                    got.get(b).length(), got.get(b).score(), caption);
            assertEquals(res.get("caption").getAsString(), caption, "decoded caption of image " + b);
        }
        assertTrue(got.get(0).length() == 11, "image 0 ends after 11 tokens");
    }

    @Test
    void fullRecomputeMatchesTheOfficialBeamSearch() throws Exception {
        check(false);
    }

    @Test
    void incrementalDecodingMatchesTheOfficialBeamSearch() throws Exception {
        check(true);
    }
}
