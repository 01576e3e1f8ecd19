package dev.fiber.core.util;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A progress indicator for long jobs (downloads, evaluation loops) written to a stream, normally stderr.
 *
 * <p>On a terminal it redraws one line ({@code \r}) at most every 100 ms:
 * {@code label  42% [#########            ] 512.0/1220.0 MB  23.1 MB/s  ETA 0:31}. When the stream is not a
 * terminal (CI logs, redirected output) it prints a plain line only every {@code lineIntervalSeconds}
 * (default 10 s), plus a final line, so logs stay short. With an unknown total it shows the amount and
 * the rate only. Mode selection: {@link Mode#AUTO} uses the terminal mode when a console is attached and
 * {@code TERM} is not {@code dumb}; the environment variable {@code FIBER_PROGRESS} = {@code tty},
 * {@code lines} or {@code off} overrides it.
 *
 * <p>Thread-safe: {@link #add} and {@link #set} may be called from several threads.
 */
public final class ProgressBar implements AutoCloseable {

    /** Display mode. */
    public enum Mode {
        /** Terminal if one is attached, else lines; {@code FIBER_PROGRESS} overrides. */
        AUTO,
        /** Redraw one line in place. */
        TTY,
        /** Occasional plain lines. */
        LINES,
        /** Print nothing. */
        OFF
    }

    /** What is counted. */
    public enum Unit {
        /** Bytes, shown in KB/MB/GB (powers of 1024). */
        BYTES,
        /** Items (batches, images), shown as plain numbers. */
        ITEMS
    }

    private static final long TTY_INTERVAL_NANOS = 100_000_000L;
    private static final int BAR_WIDTH = 24;

    private final String label;
    private final long total;
    private final Unit unit;
    private final String itemName;
    private final PrintStream out;
    private final Mode mode;
    private final LongSupplier clock;
    private final long lineIntervalNanos;
    private final long start;
    private long done;
    private long lastPrint;
    private boolean finished;
    private String status = "";

    private ProgressBar(Builder b) {
        this.label = b.label;
        this.total = b.total;
        this.unit = b.unit;
        this.itemName = b.itemName;
        this.out = b.out;
        this.mode = resolveMode(b.mode);
        this.clock = b.clock;
        this.lineIntervalNanos = (long) (b.lineIntervalSeconds * 1e9);
        this.start = clock.getAsLong();
        this.lastPrint = start;
        this.done = b.initial;
    }

    /**
     * @param label what is being done, e.g. the file name
     * @param totalBytes total size, or -1 if unknown
     * @return a byte-counting bar on stderr
     */
    public static ProgressBar bytes(String label, long totalBytes) {
        return builder(label).total(totalBytes).unit(Unit.BYTES).build();
    }

    /**
     * @param label    what is being done
     * @param total    number of items, or -1 if unknown
     * @param itemName name of an item (plural), e.g. {@code "images"}
     * @return an item-counting bar on stderr
     */
    public static ProgressBar items(String label, long total, String itemName) {
        return builder(label).total(total).unit(Unit.ITEMS).itemName(itemName).build();
    }

    /**
     * @param label what is being done
     * @return a builder for full control (stream, mode, clock, interval)
     */
    public static Builder builder(String label) {
        return new Builder(label);
    }

    /**
     * Adds to the amount done.
     *
     * @param delta amount to add (≥ 0)
     */
    public synchronized void add(long delta) {
        set(done + delta);
    }

    /**
     * Sets the amount done.
     *
     * @param value the amount done so far
     */
    public synchronized void set(long value) {
        done = value;
        if (finished || mode == Mode.OFF) {
            return;
        }
        long now = clock.getAsLong();
        long interval = mode == Mode.TTY ? TTY_INTERVAL_NANOS : lineIntervalNanos;
        if (now - lastPrint >= interval) {
            lastPrint = now;
            print(now, false);
        }
    }

    /**
     * Sets a free-form status shown at the end of the line (e.g. a training loss and learning rate);
     * it appears with the next redraw.
     *
     * @param text the status, or {@code null} / empty for none
     */
    public synchronized void status(String text) {
        status = text == null ? "" : text;
    }

    /** @return the amount done so far */
    public synchronized long done() {
        return done;
    }

    /** Prints the final state (once) and ends the line. */
    public synchronized void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (mode != Mode.OFF) {
            print(clock.getAsLong(), true);
        }
    }

    /** Same as {@link #finish()}. */
    @Override
    public void close() {
        finish();
    }

    /** @return the resolved display mode (never AUTO) */
    public Mode mode() {
        return mode;
    }

    private void print(long now, boolean last) {
        String line = render(now);
        if (mode == Mode.TTY) {
            out.print("\r" + line + "\u001b[K" + (last ? System.lineSeparator() : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }

    /**
     * @param now current clock value (ns)
     * @return the status line (without line end)
     */
    synchronized String render(long now) {
        double seconds = Math.max(1e-9, (now - start) / 1e9);
        double rate = done / seconds;
        StringBuilder sb = new StringBuilder(label);
        if (total > 0) {
            double frac = Math.min(1.0, Math.max(0.0, (double) done / total));
            sb.append(String.format(Locale.ROOT, " %3d%% ", (int) Math.floor(frac * 100)));
            if (mode == Mode.TTY) {
                int filled = (int) Math.round(frac * BAR_WIDTH);
                sb.append('[').append("#".repeat(filled)).append(" ".repeat(BAR_WIDTH - filled)).append("] ");
            }
            sb.append(amount(done, false)).append('/').append(amount(total, true));
        } else {
            sb.append(' ').append(amount(done, true));
        }
        sb.append("  ").append(amount((long) rate, true)).append("/s");
        if (total > 0 && done < total) {
            sb.append("  ETA ").append(rate > 0 ? formatDuration((total - done) / rate) : "?");
        } else if (finished) {
            sb.append("  in ").append(formatDuration(seconds));
        }
        if (!status.isEmpty()) {
            sb.append("  ").append(status);
        }
        return sb.toString();
    }

    private String amount(long v, boolean withUnit) {
        if (unit == Unit.BYTES) {
            return withUnit ? formatBytes(v) : formatBytesNumber(v, total > 0 ? total : v);
        }
        return withUnit ? v + " " + itemName : Long.toString(v);
    }

    /**
     * @param bytes a byte count
     * @return it in B, KB, MB or GB (1024-based), one decimal
     */
    public static String formatBytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    private static String formatBytesNumber(long bytes, long scaleOf) {
        if (scaleOf < 1024) {
            return Long.toString(bytes);
        }
        double div = 1024;
        while (scaleOf / div >= 1024 && div < 1024.0 * 1024 * 1024 * 1024) {
            div *= 1024;
        }
        return String.format(Locale.ROOT, "%.1f", bytes / div);
    }

    /**
     * @param seconds a duration
     * @return {@code m:ss} or {@code h:mm:ss}
     */
    public static String formatDuration(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        long h = s / 3600;
        long m = (s % 3600) / 60;
        long sec = s % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec)
                : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }

    private static Mode resolveMode(Mode requested) {
        if (requested != Mode.AUTO) {
            return requested;
        }
        String env = System.getenv("FIBER_PROGRESS");
        if (env != null) {
            switch (env.trim().toLowerCase(Locale.ROOT)) {
                case "tty":
                    return Mode.TTY;
                case "lines":
                    return Mode.LINES;
                case "off":
                case "none":
                    return Mode.OFF;
                default:
                    break;
            }
        }
        boolean console = System.console() != null && !"dumb".equals(System.getenv("TERM"));
        return console ? Mode.TTY : Mode.LINES;
    }

    /** Builder of a {@link ProgressBar}. */
    public static final class Builder {
        private final String label;
        private long total = -1;
        private long initial;
        private Unit unit = Unit.ITEMS;
        private String itemName = "items";
        private PrintStream out = System.err;
        private Mode mode = Mode.AUTO;
        private LongSupplier clock = System::nanoTime;
        private double lineIntervalSeconds = 10;

        private Builder(String label) {
            this.label = label;
        }

        /**
         * @param total total amount, or -1 if unknown
         * @return this
         */
        public Builder total(long total) {
            this.total = total;
            return this;
        }

        /**
         * @param initial amount already done (e.g. bytes of a resumed download)
         * @return this
         */
        public Builder initial(long initial) {
            this.initial = initial;
            return this;
        }

        /**
         * @param unit bytes or items
         * @return this
         */
        public Builder unit(Unit unit) {
            this.unit = unit;
            return this;
        }

        /**
         * @param itemName plural item name for {@link Unit#ITEMS}
         * @return this
         */
        public Builder itemName(String itemName) {
            this.itemName = itemName;
            return this;
        }

        /**
         * @param out the stream (default stderr)
         * @return this
         */
        public Builder out(PrintStream out) {
            this.out = out;
            return this;
        }

        /**
         * @param mode display mode (default AUTO)
         * @return this
         */
        public Builder mode(Mode mode) {
            this.mode = mode;
            return this;
        }

        /**
         * @param clock nanosecond clock (tests)
         * @return this
         */
        public Builder clock(LongSupplier clock) {
            this.clock = clock;
            return this;
        }

        /**
         * @param seconds minimum time between two lines in {@link Mode#LINES} (default 10)
         * @return this
         */
        public Builder lineIntervalSeconds(double seconds) {
            this.lineIntervalSeconds = seconds;
            return this;
        }

        /** @return the bar */
        public ProgressBar build() {
            return new ProgressBar(this);
        }
    }
}
