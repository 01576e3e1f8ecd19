package dev.fiber.core.util;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Opt-in wall-clock accounting for the inside of expensive operations (for example the im2col gather
 * and the matrix product of a deformable convolution), used by the benchmarks to say where the time goes.
 *
 * <p>Disabled by default: {@link #start()} then returns 0 and {@link #stop} does nothing, so the cost in
 * normal use is one volatile read per call. The engine is eager (PyTorch), so the time of an op is spent
 * by the time it returns.
 */
public final class OpTimes {

    private static volatile boolean enabled;
    private static final Map<String, LongAdder> NANOS = new ConcurrentHashMap<>();
    private static final Map<String, LongAdder> COUNTS = new ConcurrentHashMap<>();

    private OpTimes() {}

    /**
     * Switches accounting on or off (globally, for all threads).
     *
     * @param on whether to account
     */
    public static void enable(boolean on) {
        enabled = on;
    }

    /** @return whether accounting is on */
    public static boolean enabled() {
        return enabled;
    }

    /** @return a start mark for {@link #stop}, or 0 when accounting is off */
    public static long start() {
        return enabled ? System.nanoTime() : 0L;
    }

    /**
     * Adds the time since {@code start} to the named counter.
     *
     * @param name counter, e.g. {@code "deform.im2col"}
     * @param start value of {@link #start()} (0: ignored)
     */
    public static void stop(String name, long start) {
        if (start == 0L || !enabled) {
            return;
        }
        long took = System.nanoTime() - start;
        NANOS.computeIfAbsent(name, k -> new LongAdder()).add(took);
        COUNTS.computeIfAbsent(name, k -> new LongAdder()).increment();
    }

    /**
     * One counter.
     *
     * @param millis accumulated milliseconds
     * @param calls number of timed calls
     */
    public record Entry(double millis, long calls) {}

    /**
     * Returns the counters (sorted by name) and clears them.
     *
     * @return name to accumulated time and calls
     */
    public static Map<String, Entry> drain() {
        Map<String, Entry> out = new LinkedHashMap<>();
        for (Map.Entry<String, LongAdder> e : new TreeMap<>(NANOS).entrySet()) {
            LongAdder c = COUNTS.get(e.getKey());
            out.put(e.getKey(), new Entry(e.getValue().sumThenReset() / 1e6, c == null ? 0 : c.sumThenReset()));
        }
        NANOS.clear();
        COUNTS.clear();
        return out;
    }
}
