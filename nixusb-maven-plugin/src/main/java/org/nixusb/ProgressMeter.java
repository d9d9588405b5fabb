package org.nixusb;

/**
 * Throttled progress lines for long work: nothing for the first 3 seconds, then at most one line
 * every 5 seconds with percent, MiB/s and the time left.
 */
public final class ProgressMeter {
    private static final long QUIET_NANOS = 3_000_000_000L;
    private static final long EVERY_NANOS = 5_000_000_000L;

    private final BuildLog log;
    private final String what;
    private final long total;
    private final long start = System.nanoTime();
    private long lastLine = start;

    public ProgressMeter(BuildLog log, String what, long total) {
        this.log = log;
        this.what = what;
        this.total = total;
    }

    /** Reports that {@code done} of the total bytes are done. */
    public void update(long done) {
        long now = System.nanoTime();
        if (now - start < QUIET_NANOS || now - lastLine < EVERY_NANOS || done >= total || done <= 0) {
            return;
        }
        lastLine = now;
        double seconds = (now - start) / 1e9;
        double rate = done / seconds;
        long left = (long) ((total - done) / rate);
        log.info(String.format("  %s: %d%% (%d of %d MiB, %.0f MiB/s, about %d s left)", what, done * 100 / total,
                done >> 20, total >> 20, rate / (1 << 20), left));
    }
}
