package dev.fiber.tasks.common;

import dev.fiber.core.model.MallocStats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDManager;
import dev.fiber.core.image.ImageDecoder;
import dev.fiber.core.image.RgbImage;
import dev.fiber.tasks.vqa.AnswerVocabulary;
import dev.fiber.tasks.vqa.VqaPrediction;
import dev.fiber.tasks.vqa.VqaQuery;
import dev.fiber.tasks.vqa.VqaTranslator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four threads, each with its own {@link Predictor} on one shared model, make 1,000 VQA calls in
 * total: every answer equals the single-threaded one, and nothing accumulates (no arrays left in the
 * model's managers, native memory flat after warm-up).
 */
class ConcurrencyTest {

    static final int THREADS = 4;
    static final int CALLS = 1000;

    static long rssKb() throws Exception {
        System.gc();
        System.gc();
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    @Test
    void thousandCallsFromFourThreads(@TempDir Path tmp) throws Exception {
        RgbImage a = ImageDecoder.read(TinyTasks.image("a.png"));
        RgbImage b = ImageDecoder.read(TinyTasks.image("b.png"));
        List<VqaQuery> queries = List.of(new VqaQuery(a, TinyTasks.texts().get(0)), new VqaQuery(b, TinyTasks.texts().get(1)),
                new VqaQuery(b, "what is the dog doing?"));
        try (FiberTaskModel model = TinyTasks.load(FiberTask.VQA)) {
            VqaTranslator t = VqaTranslator.builder(AnswerVocabulary.read(TinyTasks.vocabulary(tmp)), 96, 40).optTopK(3).build();
            List<VqaPrediction> expected = new ArrayList<>();
            try (Predictor<VqaQuery, VqaPrediction> p = model.newPredictor(t)) {
                for (VqaQuery q : queries) {
                    expected.add(p.predict(q));
                }
                for (int i = 0; i < 50; i++) {
                    p.predict(queries.get(i % 3)); // warm-up
                }
            }
            NDManager modelManager = model.getNDManager();
            NDManager fiberManager = model.fiberModel().manager();
            int modelArrays = modelManager.getManagedArrays().size();
            int fiberArrays = fiberManager.getManagedArrays().size();
            AtomicInteger done = new AtomicInteger();
            AtomicInteger wrong = new AtomicInteger();
            long t0 = System.nanoTime();
            // two rounds of 500 calls: the first one lets the allocator arenas of the new threads settle,
            // the second must not grow memory
            long[] rss = new long[3];
            long[] native_ = new long[3];
            rss[0] = rssKb();
            native_[0] = MallocStats.inUseBytes();
            for (int round = 0; round < 2; round++) {
                ExecutorService pool = Executors.newFixedThreadPool(THREADS);
                try {
                    List<Future<?>> futures = new ArrayList<>();
                    for (int th = 0; th < THREADS; th++) {
                        final int id = th;
                        futures.add(pool.submit(() -> {
                            try (Predictor<VqaQuery, VqaPrediction> p = model.newPredictor(t)) {
                                for (int i = 0; i < CALLS / THREADS / 2; i++) {
                                    int q = (id + i) % queries.size();
                                    VqaPrediction got = p.predict(queries.get(q));
                                    VqaPrediction want = expected.get(q);
                                    for (int k = 0; k < 3; k++) {
                                        if (got.answers().get(k).classIndex() != want.answers().get(k).classIndex()
                                                || Math.abs(got.answers().get(k).probability() - want.answers().get(k).probability()) > 1e-6) {
                                            wrong.incrementAndGet();
                                        }
                                    }
                                    done.incrementAndGet();
                                }
                            }
                            return null;
                        }));
                    }
                    for (Future<?> f : futures) {
                        f.get();
                    }
                } finally {
                    pool.shutdown();
                }
                rss[round + 1] = rssKb();
                native_[round + 1] = MallocStats.inUseBytes();
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("%d calls from %d threads in %.1f s (%.1f calls/s); RSS before / after 500 / after 1000 calls: %d / %d / %d kB;"
                    + " malloc in use %d / %d / %d kB; arrays model %d -> %d, fiber %d -> %d%n", done.get(), THREADS, secs, done.get() / secs,
                    rss[0], rss[1], rss[2], native_[0] / 1024, native_[1] / 1024, native_[2] / 1024,
                    modelArrays, modelManager.getManagedArrays().size(),
                    fiberArrays, fiberManager.getManagedArrays().size());
            assertEquals(CALLS, done.get());
            assertEquals(0, wrong.get(), "answers differing from the single-threaded ones");
            assertEquals(modelArrays, modelManager.getManagedArrays().size(), "arrays left in the DJL model's manager");
            assertEquals(fiberArrays, fiberManager.getManagedArrays().size(), "arrays left in the FIBER model's manager");
            if (native_[0] >= 0) {
                // one call's intermediates are a few MB; leaking them would grow native memory by GBs over 500
                // calls (RSS is printed but not asserted: it moves with the JVM heap and the malloc arenas of the threads)
                assertTrue(native_[2] - native_[1] < 32L << 20, "malloc'd memory grew by " + (native_[2] - native_[1])
                        + " bytes over the second 500 calls");
            }
        }
    }
}
