package org.nixusb;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Throttled progress lines for long work: nothing for the first 3 seconds, then at most one line
 * every 5 seconds with percent, MiB/s and the time left. Meters made with {@link #alongside} share
 * that budget, so two pieces of work running at once (the copy and the hash) still print at most
 * one line every 5 seconds between them. Safe to update from several threads.
 */
public final class ProgressMeter {
    private static final long QUIET_NANOS = 3_000_000_000L;
    private static final long EVERY_NANOS = 5_000_000_000L;

    private final BuildLog log;
    private final String what;
    private final long total;
    private final LongSupplier clock;
    private final long start;
    private final AtomicLong lastLine;

    public ProgressMeter(BuildLog log, String what, long total) {
        this(log, what, total, System::nanoTime);
    }

    ProgressMeter(BuildLog log, String what, long total, LongSupplier clock) {
        this(log, what, total, clock, clock.getAsLong(), null);
    }

    private ProgressMeter(BuildLog log, String what, long total, LongSupplier clock, long start, AtomicLong lastLine) {
        this.log = log;
        this.what = what;
        this.total = total;
        this.clock = clock;
        this.start = start;
        this.lastLine = lastLine != null ? lastLine : new AtomicLong(start);
    }

    /** A meter for other work running at the same time, which shares this one's line budget. */
    public ProgressMeter alongside(String otherWhat, long otherTotal) {
        return new ProgressMeter(log, otherWhat, otherTotal, clock, clock.getAsLong(), lastLine);
    }

    /** Reports that {@code done} of the total bytes are done. */
    public void update(long done) {
        long now = clock.getAsLong();
        long last = lastLine.get();
        if (now - start < QUIET_NANOS || now - last < EVERY_NANOS || done >= total || done <= 0
                || !lastLine.compareAndSet(last, now)) {
            return;
        }
        double seconds = (now - start) / 1e9;
        double rate = done / seconds;
        long left = (long) ((total - done) / rate);
        log.info(String.format("  %s: %d%% (%d of %d MiB, %.0f MiB/s, about %d s left)", what, done * 100 / total,
                done >> 20, total >> 20, rate / (1 << 20), left));
    }
}
