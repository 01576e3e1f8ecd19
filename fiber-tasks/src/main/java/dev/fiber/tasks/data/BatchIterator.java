package dev.fiber.tasks.data;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One epoch of a {@link DataLoader}: hands out batches in order while worker threads prepare the next
 * ones (at most {@code prefetch} ahead). Not thread-safe: one consumer thread iterates it. Closing it
 * (or reaching the end, or a failure) cancels pending work and stops the workers.
 *
 * @param <B> batch type
 */
public final class BatchIterator<B> implements Iterator<B>, AutoCloseable {

    private static final AtomicInteger POOL_ID = new AtomicInteger();

    private final SampleSource<?> source;
    private final Collator<?, B> collator;
    private final LoaderConfig config;
    private final int epoch;
    private final int[] order;
    private final int batches;
    private final ExecutorService executor;
    private final ArrayDeque<Future<B>> pending = new ArrayDeque<>();
    private int submitted;
    private int delivered;
    private boolean closed;

    <T> BatchIterator(SampleSource<T> source, Collator<T, B> collator, LoaderConfig config, int epoch, int[] order,
            int batches) {
        this.source = source;
        this.collator = collator;
        this.config = config;
        this.epoch = epoch;
        this.order = order;
        this.batches = batches;
        if (config.workers() > 0 && batches > 0) {
            int pool = POOL_ID.incrementAndGet();
            AtomicInteger n = new AtomicInteger();
            ThreadFactory tf = r -> {
                Thread t = new Thread(r, "fiber-loader-" + pool + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
            this.executor = Executors.newFixedThreadPool(config.workers(), tf);
        } else {
            this.executor = null;
        }
    }

    /** @return the epoch number */
    public int epoch() {
        return epoch;
    }

    /** @return the number of batches of this epoch */
    public int batchCount() {
        return batches;
    }

    /** @return how many batches {@link #next()} has returned */
    public int delivered() {
        return delivered;
    }

    @Override
    public boolean hasNext() {
        return !closed && delivered < batches;
    }

    @Override
    public B next() {
        if (!hasNext()) {
            throw new NoSuchElementException(closed ? "batch iterator is closed" : "epoch " + epoch + " has no more batches");
        }
        B batch;
        try {
            if (executor == null) {
                batch = buildBatch(delivered);
            } else {
                while (submitted < batches && pending.size() < config.prefetch()) {
                    int b = submitted++;
                    pending.add(executor.submit(() -> buildBatch(b)));
                }
                batch = await(pending.poll());
            }
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
        delivered++;
        if (delivered == batches) {
            close();
        }
        return batch;
    }

    private B await(Future<B> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for batch " + delivered + " of epoch " + epoch);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new SampleLoadException(-1, epoch, "batch " + delivered, c);
        }
    }

    @SuppressWarnings("unchecked")
    private B buildBatch(int b) {
        int from = b * config.batchSize();
        int to = Math.min(order.length, from + config.batchSize());
        List<Object> samples = new ArrayList<>(to - from);
        SampleSource<Object> src = (SampleSource<Object>) source;
        for (int k = from; k < to; k++) {
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("loading cancelled");
            }
            int index = order[k];
            try {
                samples.add(src.load(index, SampleSeeds.forSample(config.seed(), epoch, index)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("loading cancelled");
            } catch (Exception | Error e) {
                throw new SampleLoadException(index, epoch, describe(src, index), e);
            }
        }
        try {
            return ((Collator<Object, B>) collator).collate(samples);
        } catch (RuntimeException | Error e) {
            throw new SampleLoadException(-1, epoch, "batch " + b + " (samples " + from + ".." + (to - 1)
                    + " of the epoch order)", e);
        }
    }

    private static String describe(SampleSource<?> src, int index) {
        try {
            return src.describe(index);
        } catch (RuntimeException e) {
            return "sample " + index;
        }
    }

    /**
     * Stops the epoch: cancels batches not yet delivered and shuts the workers down (waiting up to 10 s
     * for them to finish the sample they are on). Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Future<B> f : pending) {
            f.cancel(true);
        }
        pending.clear();
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** @return whether the workers have stopped (always true without workers or after close) */
    public boolean isTerminated() {
        return executor == null || executor.isTerminated();
    }
}
