package dev.fiber.core.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fiber.core.TestData;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {

    @TempDir
    Path tmp;

    @Test
    void builtinHasTheOfficialCheckpoints() throws Exception {
        ModelRegistry builtin = ModelRegistry.builtin();
        // the packaged copy equals the repository's models/*.json
        ModelRegistry repo = ModelRegistry.fromDirectory(TestData.model(""));
        assertEquals(repo.list(), builtin.list());
        List<ModelDescriptor> coarse = builtin.list().stream().filter(d -> d.family().equals("coarse")).toList();
        assertEquals(8, coarse.size(), "eight official coarse-grained checkpoints");
        Set<String> coarseTasks = coarse.stream().map(ModelDescriptor::task).collect(Collectors.toSet());
        assertEquals(Set.of("pretrain", "vqa", "nlvr2", "retrieval-itc", "retrieval-itm", "captioning"), coarseTasks);
        assertEquals(576, builtin.get("fiber-vqa").imageSize());
        assertEquals(384, builtin.get("fiber-nlvr2").imageSize());
        assertEquals(1333, builtin.get("fiber-refcoco").maxImageSize());
        assertNull(builtin.get("fiber-vqa").maxImageSize());
        for (ModelDescriptor d : builtin.list()) {
            assertTrue(d.url().startsWith("https://datarelease.blob.core.windows.net/fiber/"), d.url());
            String last = URI.create(d.url()).getPath();
            assertEquals(d.fileName(), last.substring(last.lastIndexOf('/') + 1), d.name());
            assertEquals(d.fileName(), URLDecoder.decode(d.url().substring(d.url().lastIndexOf('/') + 1),
                    StandardCharsets.UTF_8), d.name());
            assertNull(d.sha256(), "no invented hashes: " + d.name());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> builtin.get("fiber-vqa2"));
        assertTrue(e.getMessage().contains("fiber-vqa"), e.getMessage());
    }

    @Test
    void descriptorValidationAndOverrides() throws IOException {
        ModelDescriptor d = ModelRegistry.builtin().get("fiber-vqa");
        assertEquals(d, ModelDescriptor.fromJson(d.toJson()));
        assertThrows(IllegalArgumentException.class, () -> d.withSha256("xyz"));
        assertEquals("a".repeat(64), d.withSha256("A".repeat(64)).sha256());
        assertThrows(IllegalArgumentException.class, () -> new ModelDescriptor("Bad Name", "coarse", "vqa", "",
                "https://h/f.ckpt", "f.ckpt", 384, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new ModelDescriptor("x", "coarse", "vqa", "",
                "ftp://h/f.ckpt", "f.ckpt", 384, null, null, null));
        Files.writeString(tmp.resolve("fiber-vqa.json"), d.withSha256("b".repeat(64)).toJson().toString());
        ModelRegistry merged = ModelRegistry.builtin().with(ModelRegistry.fromDirectory(tmp));
        assertEquals("b".repeat(64), merged.get("fiber-vqa").sha256());
        Files.writeString(tmp.resolve("broken.json"), "{\"name\": \"broken\"}");
        IOException e = assertThrows(IOException.class, () -> ModelRegistry.fromDirectory(tmp));
        assertTrue(e.getMessage().contains("broken.json"), e.getMessage());
    }
}
