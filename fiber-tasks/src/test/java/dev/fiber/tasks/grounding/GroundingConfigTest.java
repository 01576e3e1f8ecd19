package dev.fiber.tasks.grounding;

import dev.fiber.core.TestData;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import java.util.List;

/** The yacs YAML reader and the grounding configuration read from it. */
class GroundingConfigTest {

    @Test
    void readsTheTinyDump() throws Exception {
        YacsConfig y = YacsConfig.read(TestData.file("fine/tiny_fine_config.yaml"));
        GroundingConfig c = GroundingConfig.fromYacs(y, 4);
        assertEquals(60, c.post().preNmsTopN());
        assertEquals(30, c.post().detectionsPerImage());
        assertEquals(0.05f, c.post().inferenceThreshold());
        assertEquals(0.6f, c.post().nmsThreshold());
        assertEquals(16, c.groupNormGroups());
        assertArrayEquals(new int[] {8, 16, 32, 64, 128}, c.anchorStrides());
        assertEquals(128, c.minSizeTest());
        assertEquals(160, c.maxSizeTest());
        assertEquals(256, c.maxQueryLength());
        assertEquals(32, c.sizeDivisibility());
        // anchors, aliases and inline nested sequences of TEST.RANGES
        assertEquals(List.of(List.of("96", "10000"), List.of("96", "10000"), List.of("64", "10000"),
                List.of("64", "10000"), List.of("64", "10000"), List.of("0", "10000"), List.of("0", "10000"),
                List.of("0", "256"), List.of("0", "256"), List.of("0", "192"), List.of("0", "192"),
                List.of("0", "96")), y.get("TEST.RANGES"));
        assertEquals(". ", y.string("DATASETS.SEPARATION_TOKENS", null));
        assertEquals(List.of(), y.get("AUGMENT.PASTE_CAT"));
    }

    @Test
    void readsOfficialStyleFiles() {
        String text = String.join("\n",
                "MODEL:",
                "  META_ARCHITECTURE: \"GeneralizedVLRCNN\"  # comment",
                "  RPN:",
                "    ANCHOR_STRIDE: (8, 16, 32, 64, 128)",
                "  SWINT:",
                "      VERSION: \"fusion\"",
                "      DEPTHS: (2, 2, 18, 2)",
                "  ATSS:",
                "    PRE_NMS_TOP_N: 500",
                "    NMS_TH: 0.5",
                "  DYHEAD:",
                "    FUSE_CONFIG:",
                "      EARLY_FUSE_ON: False",
                "DATASETS:",
                "  TRAIN: (\"a\", \"b\" )",
                "  LIST: [1, 2]",
                "");
        YacsConfig y = YacsConfig.parse(text, "inline");
        assertArrayEquals(new int[] {2, 2, 18, 2}, y.integers("MODEL.SWINT.DEPTHS", null));
        GroundingConfig c = GroundingConfig.fromYacs(y, 12);
        assertEquals(500, c.post().preNmsTopN());
        assertEquals(0.5f, c.post().nmsThreshold());
        assertEquals(100, c.post().detectionsPerImage());
        assertEquals(List.of("1", "2"), y.get("DATASETS.LIST"));
    }

    @Test
    void rejectsUnsupportedSettings() {
        YacsConfig v1 = YacsConfig.parse("MODEL:\n  BACKBONE:\n    FUSION_VERSION: \"v1\"\n", "v1");
        assertThrows(IllegalArgumentException.class, () -> GroundingConfig.fromYacs(v1, 12));
        YacsConfig max = YacsConfig.parse("MODEL:\n  DYHEAD:\n    SCORE_AGG: MAX\n", "max");
        assertThrows(IllegalArgumentException.class, () -> GroundingConfig.fromYacs(max, 12));
        assertThrows(IllegalArgumentException.class, () -> YacsConfig.parse("A:\n  B: 1\n C: 2\n", "bad"));
    }
}
