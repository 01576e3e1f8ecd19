package dev.fiber.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import dev.fiber.core.model.StateDictKeys;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FiberConfigTest {

    private static Map<String, Object> tinyDict() throws Exception {
        try (var in = FiberConfigTest.class.getResourceAsStream("/dev/fiber/core/model/tiny_config.json")) {
            return new Gson().fromJson(new InputStreamReader(in, StandardCharsets.UTF_8), new TypeToken<LinkedHashMap<String, Object>>() {}.getType());
        }
    }

    @Test
    void fiberBase384IsTheOfficialFiberB() {
        FiberConfig c = FiberConfig.fiberBase384();
        assertEquals(384, c.imageSize());
        assertEquals(12, c.windowSize());
        assertEquals(96, c.patchGrid());
        assertEquals(128, c.swin().embedDim());
        assertEquals(List.of(2, 2, 18, 2), c.swin().depths());
        assertEquals(List.of(4, 8, 16, 32), c.swin().numHeads());
        assertEquals(1024, c.swin().numFeatures());
        assertEquals(768, c.swin().dimText());
        assertEquals(768, c.text().hiddenSize());
        assertEquals(12, c.text().numAttentionHeads());
        assertEquals(3072, c.text().intermediateSize());
        assertEquals(50265, c.text().vocabSize());
        assertEquals(514, c.text().maxPositionEmbeddings());
        assertEquals(1e-5, c.text().layerNormEps());
        assertEquals(1024, c.inputImageEmbedSize());
        assertEquals(768, c.inputTextEmbedSize());
        assertEquals(768, c.hiddenSize());
        assertEquals(6, c.numFuseBlock());
        assertEquals(40, c.maxTextLen());
        assertEquals(3129, c.vqav2LabelSize());
        assertTrue(c.hasItm() && c.hasItc() && c.hasMlmHead());
        assertFalse(c.hasVqa() || c.hasNlvr2() || c.hasCaption());
        assertEquals(6, c.numPreTextLayers());
        assertEquals(14, c.firstFusedStage3Block());
    }

    @Test
    void jsonRoundTrip() {
        FiberConfig c = FiberConfig.fiberBase384().withImageSize(576).withMaxTextLen(50)
                .withLossNames(Map.of("vqa", 1, "caption_mle", 1));
        String json = c.toJson();
        assertTrue(json.contains("\"input_image_embed_size\": 1024"), json);
        assertTrue(json.contains("\"vqav2_label_size\": 3129"), json);
        FiberConfig back = FiberConfig.fromJson(json);
        assertEquals(c, back);
        assertEquals(18, back.windowSize());
        assertTrue(back.hasVqa() && back.hasCaption() && back.hasMlmHead());
        assertFalse(back.hasItm());
    }

    @Test
    void officialConfigDictWithRefgenArch() throws Exception {
        FiberConfig c = FiberConfig.fromCheckpoint(tinyDict(), null);
        assertEquals(96, c.imageSize());
        assertEquals(3, c.windowSize());
        assertEquals(16, c.swin().embedDim());
        assertEquals(List.of(1, 2, 4, 8), c.swin().numHeads());
        assertEquals(32, c.swin().dimText());
        assertEquals(32, c.text().hiddenSize());
        assertEquals(2, c.text().numAttentionHeads());
        assertEquals(128, c.text().intermediateSize());
        assertEquals(48, c.hiddenSize());
        assertEquals(128, c.inputImageEmbedSize());
        assertEquals(32, c.inputTextEmbedSize());
        assertTrue(c.hasItm() && c.hasItc() && c.hasMlmHead() && c.hasVqa() && c.hasNlvr2() && c.hasCaption());
        // the same dict as JSON text parses identically
        assertEquals(c, FiberConfig.fromJson(new Gson().toJson(tinyDict())));
    }

    @Test
    void architectureFromShapesAlone() throws Exception {
        FiberConfig c = FiberConfig.fromCheckpoint(null, StateDictKeys.tinyShapes());
        assertEquals(96, c.imageSize());
        assertEquals(16, c.swin().embedDim());
        assertEquals(List.of(2, 2, 18, 2), c.swin().depths());
        assertEquals(List.of(1, 2, 4, 8), c.swin().numHeads());
        assertEquals(4.0, c.swin().mlpRatio());
        assertEquals(32, c.swin().dimText());
        assertEquals(32, c.text().hiddenSize());
        assertEquals(514, c.text().maxPositionEmbeddings());
        assertEquals(48, c.hiddenSize());
        assertEquals(6, c.numFuseBlock());
        assertEquals(3129, c.vqav2LabelSize());
        assertTrue(c.hasItm() && c.hasItc() && c.hasMlmHead() && c.hasVqa() && c.hasNlvr2() && c.hasCaption());
    }

    @Test
    void variantNamesAndTheDimTextQuirk() throws Exception {
        Map<String, Object> dict = new LinkedHashMap<>(tinyDict());
        dict.remove("refgen_arch");
        dict.put("vit", "swin_base_patch4_window12_384_in22k");
        dict.put("image_size", 384.0);
        dict.put("input_image_embed_size", 1024.0);
        dict.put("input_text_embed_size", 768.0);
        dict.put("hidden_size", 768.0);
        FiberConfig c = FiberConfig.fromCheckpoint(dict, null);
        assertEquals(SwinConfig.swinBase(), c.swin());
        assertEquals(TextConfig.robertaBase(), c.text());
        // quirk 9: the text width of the image-to-text keys comes from the tensors
        Map<String, long[]> shapes = Map.of("vit_model.layers.3.blocks.0.attn.qkv_text_i2t.weight", new long[] {2048, 512});
        assertEquals(512, FiberConfig.fromCheckpoint(dict, shapes).swin().dimText());
    }

    @Test
    void unsupportedArchitecturesAreRejectedClearly() {
        FiberConfig b = FiberConfig.fiberBase384();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.withImageSize(100));
        assertTrue(e.getMessage().contains("multiple of 32"), e.getMessage());
        SwinConfig tiny = new SwinConfig(4, 3, 96, List.of(2, 2, 6, 2), List.of(3, 6, 12, 24), 4, true, false, true, 1e-5, 768, 0.1);
        e = assertThrows(IllegalArgumentException.class, () -> new FiberConfig(384, 384, "x", "roberta-base", 768, 768, 768, 12, 12, 4, 0.1, 6,
                40, 50265, 3129, true, Map.of(), tiny, TextConfig.robertaBase()));
        assertTrue(e.getMessage().contains("(2, 2, 18, 2)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> b.withLossNames(Map.of("retrieval", 1)));
        assertTrue(e.getMessage().contains("unknown loss name"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FiberConfig.fromJson("{ not json"));
        assertTrue(e.getMessage().contains("malformed"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FiberConfig.fromJson("{\"vit\": \"vit_base_patch16\", \"image_size\": 384}"));
        assertTrue(e.getMessage().contains("unknown Swin variant"), e.getMessage());
    }
}
