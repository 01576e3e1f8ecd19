package dev.fiber.core.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fiber.core.util.ProgressBar;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resolver and downloader against a local HTTP server on 127.0.0.1 (no network). */
class CheckpointResolverTest {

    private static final int SIZE = 300_000;

    @TempDir
    Path tmp;

    private byte[] body;
    private String bodySha;
    private ByteArrayOutputStream logBytes;

    @BeforeEach
    void setUp() throws Exception {
        body = new byte[SIZE];
        new Random(42).nextBytes(body);
        Path f = tmp.resolve("src.bin");
        Files.write(f, body);
        bodySha = Downloader.sha256(f);
        logBytes = new ByteArrayOutputStream();
    }

    private CheckpointResolver resolver(ModelRegistry registry, int attempts) {
        Downloader d = new Downloader(new PrintStream(logBytes, true, StandardCharsets.UTF_8), ProgressBar.Mode.LINES,
                Duration.ofSeconds(5), Duration.ofSeconds(5), attempts, 0);
        return new CheckpointResolver(tmp.resolve("cache"), registry, d);
    }

    private String log() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    private static ModelDescriptor descriptor(String name, URI url, String sha) {
        return new ModelDescriptor(name, "coarse", "vqa", "test", url.toString(), "f.bin", 384, null, "none", sha);
    }

    @Test
    void downloadsOnceIntoTheCacheAndPrintsTheHashWhenUnknown() throws Exception {
        try (LocalFileServer server = new LocalFileServer(body, 0)) {
            CheckpointResolver r = resolver(ModelRegistry.of(List.of()), 1);
            URI url = server.uri("/ok/f.bin");
            Path p = r.resolve(url.toString());
            assertArrayEquals(body, Files.readAllBytes(p));
            assertEquals(r.cachePath(url), p);
            assertTrue(p.startsWith(tmp.resolve("cache")));
            assertTrue(log().contains("sha256 " + bodySha), log());
            assertTrue(log().contains("100%"), "progress line: " + log());
            assertFalse(Files.exists(p.resolveSibling("f.bin.part")));
            assertEquals(bodySha + "  f.bin", Files.readString(p.resolveSibling("f.bin.sha256")).trim());
            int before = server.requests.size();
            assertEquals(p, r.resolve(url.toString()));
            assertEquals(before, server.requests.size(), "second resolve is a cache hit");
        }
    }

    @Test
    void resolvesModelNamesWithHashCheck() throws Exception {
        try (LocalFileServer server = new LocalFileServer(body, 0)) {
            ModelDescriptor good = descriptor("good-model", server.uri("/ok/f.bin"), bodySha);
            CheckpointResolver r = resolver(ModelRegistry.of(List.of(good)), 1);
            Path p = r.resolve("good-model");
            assertArrayEquals(body, Files.readAllBytes(p));
            assertTrue(r.isCached(good));
            assertFalse(log().contains("no known hash"), log());
            int before = server.requests.size();
            assertEquals(p, r.resolve("good-model"));
            assertEquals(before, server.requests.size());
            // a cached file whose note and content disagree with the descriptor is refused
            Files.delete(p.resolveSibling("f.bin.sha256"));
            ModelDescriptor other = good.withSha256("0".repeat(64));
            CheckpointResolver r2 = resolver(ModelRegistry.of(List.of(other)), 1);
            IOException e = assertThrows(IOException.class, () -> r2.resolve("good-model"));
            assertTrue(e.getMessage().contains("delete it to download it again"), e.getMessage());
        }
    }

    @Test
    void shaMismatchDeletesTheDownloadAndFails() throws Exception {
        try (LocalFileServer server = new LocalFileServer(body, 0)) {
            ModelDescriptor bad = descriptor("bad-model", server.uri("/ok/f.bin"), "ab".repeat(32));
            CheckpointResolver r = resolver(ModelRegistry.of(List.of(bad)), 1);
            IOException e = assertThrows(IOException.class, () -> r.resolve("bad-model"));
            assertTrue(e.getMessage().contains("SHA-256 mismatch"), e.getMessage());
            assertTrue(e.getMessage().contains(bodySha), e.getMessage());
            Path target = r.cachePath(server.uri("/ok/f.bin"));
            assertFalse(Files.exists(target));
            assertFalse(Files.exists(target.resolveSibling("f.bin.part")));
        }
    }

    @Test
    void interruptedDownloadResumesWithRangeOnTheNextCall() throws Exception {
        try (LocalFileServer server = new LocalFileServer(body, 1)) {
            CheckpointResolver once = resolver(ModelRegistry.of(List.of()), 1);
            URI url = server.uri("/flaky/f.bin");
            IOException e = assertThrows(IOException.class, () -> once.resolve(url.toString()));
            Path part = once.cachePath(url).resolveSibling("f.bin.part");
            assertTrue(Files.exists(part), "partial download kept: " + e.getMessage());
            long kept = Files.size(part);
            assertTrue(kept > 0 && kept < SIZE, "kept " + kept);
            assertFalse(Files.exists(once.cachePath(url)));

            Path p = once.resolve(url.toString());
            assertArrayEquals(body, Files.readAllBytes(p));
            LocalFileServer.Request last = server.requests.get(server.requests.size() - 1);
            assertEquals("bytes=" + kept + "-", last.range());
            assertTrue(log().contains("sha256 " + bodySha), "hash covers the resumed part too: " + log());
        }
    }

    @Test
    void retriesResumeWithinOneCall() throws Exception {
        try (LocalFileServer server = new LocalFileServer(body, 2)) {
            CheckpointResolver r = resolver(ModelRegistry.of(List.of()), 4);
            Path p = r.resolve(server.uri("/flaky/f.bin").toString());
            assertArrayEquals(body, Files.readAllBytes(p));
            assertEquals(3, server.requests.size());
            assertEquals(null, server.requests.get(0).range());
            assertTrue(server.requests.get(1).range() != null && server.requests.get(2).range() != null);
            assertTrue(log().contains("resuming at byte"), log());
        }
    }

    @Test
    void existingPartFileIsResumedAndServerWithoutRangeRestarts() throws Exception {
        try (LocalFileServer server = new LocalFileServer(body, 0)) {
            CheckpointResolver r = resolver(ModelRegistry.of(List.of()), 1);
            URI ok = server.uri("/ok/f.bin");
            Path part = r.cachePath(ok).resolveSibling("f.bin.part");
            Files.createDirectories(part.getParent());
            Files.write(part, Arrays.copyOf(body, 12345));
            assertArrayEquals(body, Files.readAllBytes(r.resolve(ok.toString())));
            assertEquals("bytes=12345-", server.requests.get(0).range());

            URI norange = server.uri("/norange/f.bin");
            Path part2 = r.cachePath(norange).resolveSibling("f.bin.part");
            Files.createDirectories(part2.getParent());
            Files.write(part2, new byte[777]); // garbage that must be discarded
            assertArrayEquals(body, Files.readAllBytes(r.resolve(norange.toString())));
            assertTrue(log().contains("from the start"), log());

            // a complete .part (server answers 416) is accepted as is
            URI ok2 = server.uri("/ok/f.bin");
            Path target = r.cachePath(ok2);
            Files.delete(target);
            Files.write(target.resolveSibling("f.bin.part"), body);
            assertArrayEquals(body, Files.readAllBytes(r.resolve(ok2.toString())));
        }
    }

    @Test
    void redirectsAndErrors() throws Exception {
        try (LocalFileServer server = new LocalFileServer(body, 0)) {
            CheckpointResolver r = resolver(ModelRegistry.of(List.of()), 3);
            assertArrayEquals(body, Files.readAllBytes(r.resolve(server.uri("/redirect/f.bin").toString())));
            int before = server.requests.size();
            IOException e = assertThrows(IOException.class, () -> r.resolve(server.uri("/missing/f.bin").toString()));
            assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
            assertEquals(before + 1, server.requests.size(), "a 404 is not retried");
        }
        CheckpointResolver r = resolver(ModelRegistry.of(List.of(descriptor("some-model",
                URI.create("https://example.invalid/x/f.bin"), null))), 1);
        NoSuchFileException nf = assertThrows(NoSuchFileException.class, () -> r.resolve("no-such-thing"));
        assertTrue(nf.getMessage().contains("some-model"), nf.getMessage());
        assertThrows(IllegalArgumentException.class, () -> r.resolve(" "));
        assertThrows(IllegalArgumentException.class, () -> r.cachePath(URI.create("https://h/a/../f.bin")));
        // an existing local path is returned as is, without any download
        Path local = tmp.resolve("local.ckpt");
        Files.write(local, new byte[] {1});
        assertEquals(local.toAbsolutePath(), r.resolve(local.toString()));
        assertEquals(r.cacheDir().resolve("example.invalid").resolve("x").resolve("f.bin"),
                r.cachePath(URI.create("https://example.invalid/x/f.bin")));
    }
}
