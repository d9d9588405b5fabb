package org.nixusb.boot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

import org.nixusb.BadInputException;
import org.nixusb.BuildLog;
import org.nixusb.qemu.BootMode;
import org.nixusb.qemu.BootResult;
import org.nixusb.qemu.QemuBoot;
import org.nixusb.report.BootReports;

/**
 * Boots an image in several modes, concurrently up to {@code threads} (0: the machine's cores), each with its own
 * serial log, report entry and screenshot, then writes the JUnit and HTML reports and says what passed and what
 * failed. The core of {@code nixusb:boot} and {@code nixusb:write -Dnixusb.write.boot}, usable without Maven: the
 * front end decides what a failure does to its build ({@link Outcome#failureMessage}).
 */
public final class BootSession {
    /** What to boot and where the reports go. */
    public record Request(Path image, List<BootMode> modes, Function<BootMode, QemuBoot.Settings> settings,
            int threads, Path logDirectory, Path reportsDirectory, String suite) {
    }

    /**
     * What the session found.
     *
     * @param all every boot's result, in the order of the modes
     * @param failed the failed ones
     * @param junit the JUnit report written
     * @param html the HTML report written
     */
    public record Outcome(Path image, List<BootResult> all, List<BootResult> failed, Path junit, Path html) {
        /** Each failed boot with its reason, serial log, screenshot and the command to rerun it; then the reports. */
        public String failureMessage() {
            StringBuilder msg = new StringBuilder();
            for (BootResult r : failed) {
                msg.append(String.format("Boot %s of %s FAILED after %.1f s: %s.%n  Serial log: %s%n", r.mode().id(),
                        image, r.millis() / 1000.0, r.reason(), r.log()));
                if (r.screenshot() != null) {
                    msg.append("  Screenshot: ").append(r.screenshot()).append(System.lineSeparator());
                }
                if (!r.command().isEmpty()) {
                    msg.append("  Rerun by hand: ").append(String.join(" ", r.command()))
                            .append(System.lineSeparator());
                }
            }
            msg.append("  Report: ").append(html).append(" and ").append(junit);
            return msg.toString().strip();
        }
    }

    private BootSession() {
    }

    /** Runs the boots, logs each verdict, writes the reports. */
    public static Outcome run(BuildLog log, Request p) throws IOException, BadInputException {
        List<BootResult> all = bootAll(log, p);
        List<BootResult> failed = new ArrayList<>();
        for (BootResult r : all) {
            if (r.passed() && r.reusedFrom() != null) {
                log.info(String.format("Boot %s PASSED (reused the result of %s, %.1f s then): %s", r.mode().id(),
                        r.reusedFrom(), r.millis() / 1000.0, r.reason()));
            } else if (r.passed()) {
                log.info(String.format("Boot %s PASSED in %.1f s: %s", r.mode().id(), r.millis() / 1000.0, r.reason()));
            } else {
                log.error(String.format("Boot %s FAILED after %.1f s: %s (serial log %s)", r.mode().id(),
                        r.millis() / 1000.0, r.reason(), r.log()));
                failed.add(r);
            }
        }
        Path junit;
        Path html;
        try {
            junit = BootReports.junit(p.reportsDirectory(), p.suite(), p.image(), all);
            html = BootReports.html(p.logDirectory(), p.image(), all);
        } catch (IOException e) {
            throw new IOException("Writing the boot reports failed: " + e, e);
        }
        log.info("Boot reports: " + junit + ", " + html);
        return new Outcome(p.image(), all, failed, junit, html);
    }

    private static List<BootResult> bootAll(BuildLog log, Request p) throws IOException, BadInputException {
        int parallel = Math.max(1, Math.min(p.modes().size(), p.threads() > 0 ? p.threads()
                : Runtime.getRuntime().availableProcessors()));
        QemuBoot qemuBoot = new QemuBoot(log);
        List<BootResult> all = new ArrayList<>();
        if (parallel > 1) {
            log.info("Booting " + p.modes().size() + " modes, " + parallel + " at a time (nixusb.boot.threads)");
        }
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
            Thread t = new Thread(r, "nixusb-boot");
            t.setDaemon(true);
            return t;
        });
        List<Future<BootResult>> futures = new ArrayList<>();
        try {
            for (BootMode m : p.modes()) {
                QemuBoot.Settings settings = p.settings().apply(m);
                futures.add(pool.submit(() -> qemuBoot.boot(settings)));
            }
            for (Future<BootResult> f : futures) {
                all.add(f.get());
            }
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof BadInputException b) {
                throw b;
            }
            if (c instanceof IOException io) {
                throw io;
            }
            throw new IOException("Booting " + p.image() + " failed: " + c, c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while booting " + p.image());
        } finally {
            pool.shutdownNow();
        }
        log.info(String.format("%d boot%s in %.1f s wall time", all.size(), all.size() == 1 ? "" : "s",
                (System.nanoTime() - started) / 1e9));
        return all;
    }
}
