package dev.fiber.tasks.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** Ordering, determinism, bounds, failure reporting and shutdown of {@link DataLoader}. */
class DataLoaderTest {

    /** A sample: its index and the first draw of its random stream. */
    record Sample(int index, long draw) {}

    /** Loads after a random delay, records concurrency. */
    static final class SlowSource implements SampleSource<Sample> {
        final int n;
        final int failAt;
        final AtomicInteger loaded = new AtomicInteger();

        SlowSource(int n, int failAt) {
            this.n = n;
            this.failAt = failAt;
        }

        @Override
        public int size() {
            return n;
        }

        @Override
        public Sample load(int index, RandomGenerator rng) throws Exception {
            Thread.sleep(ThreadLocalRandom.current().nextInt(3));
            if (index == failAt) {
                throw new java.io.IOException("corrupt file for " + index);
            }
            loaded.incrementAndGet();
            return new Sample(index, rng.nextLong());
        }

        @Override
        public String describe(int index) {
            return "item #" + index;
        }
    }

    private static List<List<Sample>> runEpoch(DataLoader<Sample, List<Sample>> loader, int epoch) {
        List<List<Sample>> out = new ArrayList<>();
        try (BatchIterator<List<Sample>> it = loader.epoch(epoch)) {
            while (it.hasNext()) {
                out.add(it.next());
            }
        }
        return out;
    }

    @Test
    void batchesAreIdenticalWhateverTheWorkerCount() {
        SlowSource src = new SlowSource(53, -1);
        List<List<Sample>> reference = null;
        for (int workers : new int[] {0, 1, 3, 5}) {
            LoaderConfig cfg = new LoaderConfig(8, true, false, workers, Math.max(1, workers * 2), 1234);
            DataLoader<Sample, List<Sample>> loader = new DataLoader<>(src, List::copyOf, cfg);
            assertEquals(7, loader.batchesPerEpoch());
            List<List<Sample>> batches = runEpoch(loader, 2);
            assertEquals(7, batches.size());
            assertEquals(5, batches.get(6).size());
            if (reference == null) {
                reference = batches;
            } else {
                assertEquals(reference, batches, "workers=" + workers);
            }
        }
        // every sample exactly once, shuffled
        List<Integer> seen = reference.stream().flatMap(List::stream).map(Sample::index).toList();
        assertEquals(53, new HashSet<>(seen).size());
        assertNotEquals(seen.stream().sorted().toList(), seen, "shuffled order");
        // the random stream depends on (seed, epoch, index) only
        for (Sample s : reference.get(0)) {
            assertEquals(SampleSeeds.forSample(1234, 2, s.index()).nextLong(), s.draw());
        }
    }

    @Test
    void epochsShuffleDifferentlyAndUnshuffledKeepsOrder() {
        SlowSource src = new SlowSource(20, -1);
        DataLoader<Sample, List<Sample>> shuffled = new DataLoader<>(src, List::copyOf, new LoaderConfig(4, true, false, 2, 4, 9));
        assertFalse(Arrays.equals(shuffled.order(0), shuffled.order(1)));
        assertArrayEquals(shuffled.order(3), shuffled.order(3));
        DataLoader<Sample, List<Sample>> plain = new DataLoader<>(src, List::copyOf, new LoaderConfig(6, false, true, 2, 4, 9));
        assertEquals(3, plain.batchesPerEpoch());
        List<List<Sample>> b = runEpoch(plain, 0);
        assertEquals(3, b.size());
        assertEquals(List.of(0, 1, 2, 3, 4, 5), b.get(0).stream().map(Sample::index).toList());
        assertEquals(17, b.get(2).get(5).index());
    }

    @Test
    void prefetchBoundsWorkAhead() throws Exception {
        SlowSource src = new SlowSource(200, -1);
        DataLoader<Sample, List<Sample>> loader = new DataLoader<>(src, List::copyOf, new LoaderConfig(2, false, false, 3, 3, 1));
        try (BatchIterator<List<Sample>> it = loader.epoch(0)) {
            it.next();
            Thread.sleep(150); // let the workers run as far as they may
            int ahead = src.loaded.get() - 2;
            // at most prefetch (3) batches beyond the delivered one, 2 samples each
            assertTrue(ahead <= 3 * 2, "loaded " + ahead + " samples ahead");
            assertTrue(ahead >= 2, "workers should prefetch");
        }
    }

    @Test
    void failuresNameTheSampleAndStopTheWorkers() {
        SlowSource src = new SlowSource(40, 13);
        DataLoader<Sample, List<Sample>> loader = new DataLoader<>(src, List::copyOf, new LoaderConfig(4, false, false, 3, 6, 1));
        BatchIterator<List<Sample>> it = loader.epoch(4);
        int delivered = 0;
        SampleLoadException e = null;
        try {
            while (it.hasNext()) {
                it.next();
                delivered++;
            }
        } catch (SampleLoadException ex) {
            e = ex;
        }
        assertTrue(e != null, "the failure must surface");
        assertEquals(3, delivered, "batches before the failing one are delivered");
        assertEquals(13, e.index());
        assertEquals(4, e.epoch());
        assertTrue(e.getMessage().contains("item #13") && e.getMessage().contains("corrupt file"), e.getMessage());
        assertTrue(e.getCause() instanceof java.io.IOException);
        assertFalse(it.hasNext());
        assertTrue(it.isTerminated());
    }

    @Test
    void closeStopsThreadsEarly() throws Exception {
        SlowSource src = new SlowSource(1000, -1);
        DataLoader<Sample, List<Sample>> loader = new DataLoader<>(src, List::copyOf, new LoaderConfig(5, true, false, 4, 8, 1));
        BatchIterator<List<Sample>> it = loader.epoch(0);
        it.next();
        it.next();
        it.close();
        assertTrue(it.isTerminated());
        assertFalse(it.hasNext());
        assertThrows(java.util.NoSuchElementException.class, it::next);
        it.close(); // idempotent
        // a pool reports termination while its last worker is still leaving run(): allow it a moment
        Set<String> alive = new HashSet<>();
        for (int attempt = 0; attempt < 100; attempt++) {
            alive.clear();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.isAlive() && t.getName().startsWith("fiber-loader-")) {
                    alive.add(t.getName());
                }
            }
            if (alive.isEmpty()) {
                break;
            }
            Thread.sleep(20);
        }
        assertTrue(alive.isEmpty(), "loader threads still alive: " + alive);
        assertTrue(src.loaded.get() < 1000);
    }

    @Test
    void collatorFailuresAreReported() {
        SlowSource src = new SlowSource(6, -1);
        DataLoader<Sample, List<Sample>> loader = new DataLoader<>(src, s -> {
            throw new IllegalStateException("bad collate");
        }, new LoaderConfig(3, false, false, 1, 2, 1));
        try (BatchIterator<List<Sample>> it = loader.epoch(0)) {
            SampleLoadException e = assertThrows(SampleLoadException.class, it::next);
            assertEquals(-1, e.index());
            assertTrue(e.getMessage().contains("batch 0"), e.getMessage());
        }
    }

    @Test
    void configValidation() {
        assertThrows(IllegalArgumentException.class, () -> new LoaderConfig(0, false, false, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new LoaderConfig(1, false, false, -1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new LoaderConfig(1, false, false, 1, 0, 0));
        LoaderConfig t = LoaderConfig.training(32, 7);
        assertTrue(t.shuffle() && t.workers() >= 1 && t.prefetch() >= t.workers());
        assertEquals(5, LoaderConfig.evaluation(8).withWorkers(5).workers());
    }
}
