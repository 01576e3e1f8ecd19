package dev.fiber.core.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    @Test
    void linesModePrintsOccasionallyWithRateAndEta() {
        AtomicLong now = new AtomicLong(0);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = ProgressBar.builder("f.ckpt").unit(ProgressBar.Unit.BYTES).total(100L << 20)
                .mode(ProgressBar.Mode.LINES).lineIntervalSeconds(10).clock(now::get)
                .out(new PrintStream(bytes, true, StandardCharsets.UTF_8)).build();
        for (int s = 1; s <= 20; s++) {
            now.set(s * 1_000_000_000L);
            bar.set((long) s << 20); // 1 MB/s
        }
        now.set(100_000_000_000L);
        bar.set(100L << 20);
        bar.finish();
        bar.finish();
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\\R");
        assertEquals(4, lines.length, String.join("\n", lines)); // t=10, t=20, t=100, final
        assertEquals("f.ckpt  10% 10.0/100.0 MB  1.0 MB/s  ETA 1:30", lines[0]);
        assertTrue(lines[3].startsWith("f.ckpt 100% 100.0/100.0 MB  1.0 MB/s  in 1:40"), lines[3]);
    }

    @Test
    void ttyModeRedrawsOneLine() {
        AtomicLong now = new AtomicLong(0);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ProgressBar bar = ProgressBar.builder("eval").total(4).itemName("batches").mode(ProgressBar.Mode.TTY)
                .clock(now::get).out(new PrintStream(bytes, true, StandardCharsets.UTF_8)).build()) {
            now.set(1_000_000_000L);
            bar.add(1);
            now.set(1_050_000_000L);
            bar.add(1); // within 100 ms: not drawn
            now.set(2_000_000_000L);
            bar.add(2);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(3, out.split("\r", -1).length - 1, out);
        assertTrue(out.contains("\reval  25% [######                  ] 1/4 batches"), out);
        assertTrue(out.endsWith(System.lineSeparator()));
    }

    @Test
    void unknownTotalOffModeAndFormatting() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong(0);
        ProgressBar bar = ProgressBar.builder("x").unit(ProgressBar.Unit.BYTES).mode(ProgressBar.Mode.LINES)
                .clock(now::get).out(new PrintStream(bytes, true, StandardCharsets.UTF_8)).build();
        now.set(2_000_000_000L);
        bar.add(3 << 20);
        bar.finish();
        assertEquals("x 3.0 MB  1.5 MB/s  in 0:02", bytes.toString(StandardCharsets.UTF_8).trim());
        ByteArrayOutputStream none = new ByteArrayOutputStream();
        try (ProgressBar off = ProgressBar.builder("y").mode(ProgressBar.Mode.OFF)
                .out(new PrintStream(none, true, StandardCharsets.UTF_8)).build()) {
            off.add(5);
            assertEquals(5, off.done());
        }
        assertEquals(0, none.size());
        assertEquals("512 B", ProgressBar.formatBytes(512));
        assertEquals("1.5 GB", ProgressBar.formatBytes(3L << 29));
        assertEquals("1:01:01", ProgressBar.formatDuration(3661));
        assertEquals("?", ProgressBar.formatDuration(Double.NaN));
    }

    @Test
    void statusIsAppendedToTheLine() {
        AtomicLong now = new AtomicLong(0);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = ProgressBar.builder("train").total(100).itemName("samples").mode(ProgressBar.Mode.LINES)
                .clock(now::get).out(new PrintStream(bytes, true, StandardCharsets.UTF_8)).build();
        bar.status("loss 1.25 lr 1.0e-04");
        now.set(2_000_000_000L);
        bar.set(50);
        bar.finish();
        String[] lines = bytes.toString(StandardCharsets.UTF_8).trim().split("\\R");
        assertEquals("train  50% 50/100 samples  25 samples/s  ETA 0:02  loss 1.25 lr 1.0e-04", lines[lines.length - 1]);
    }
}
