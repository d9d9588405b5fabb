package org.nixusb.mojo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.Log;
import org.nixusb.BadInputException;
import org.nixusb.qemu.BootMode;
import org.nixusb.qemu.BootResult;
import org.nixusb.qemu.QemuBoot;
import org.nixusb.report.BootReports;

/**
 * Boots an image in several modes, concurrently up to {@code threads} (0: the machine's cores), each with
 * its own serial log, report entry and screenshot, then writes the JUnit and HTML reports and fails the
 * build (or, with {@code failureIgnore}, only says so) when a boot failed. Shared by {@code nixusb:boot}
 * and {@code nixusb:write -Dnixusb.write.boot}.
 */
final class BootSession {
    /** What to boot and where the reports go. */
    record Request(Path image, List<BootMode> modes, Function<BootMode, QemuBoot.Settings> settings, int threads,
            Path logDirectory, Path reportsDirectory, String suite, boolean failureIgnore) {
    }

    private BootSession() {
    }

    static List<BootResult> run(Log log, Request p) throws MojoExecutionException, MojoFailureException {
        int parallel = Math.max(1, Math.min(p.modes().size(), p.threads() > 0 ? p.threads()
                : Runtime.getRuntime().availableProcessors()));
        QemuBoot qemuBoot = new QemuBoot(new MavenBuildLog(log));
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
                throw MavenFailure.of(b);
            }
            throw new MojoExecutionException("Booting " + p.image() + " failed: " + c, c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MojoExecutionException("interrupted while booting " + p.image(), e);
        } finally {
            pool.shutdownNow();
        }
        log.info(String.format("%d boot%s in %.1f s wall time", all.size(), all.size() == 1 ? "" : "s",
                (System.nanoTime() - started) / 1e9));
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
            log.info("Boot reports: " + junit + ", " + html);
        } catch (IOException e) {
            throw new MojoExecutionException("Writing the boot reports failed: " + e, e);
        }
        if (failed.isEmpty()) {
            return all;
        }
        StringBuilder msg = new StringBuilder();
        for (BootResult r : failed) {
            msg.append(String.format("Boot %s of %s FAILED after %.1f s: %s.%n  Serial log: %s%n", r.mode().id(),
                    p.image(), r.millis() / 1000.0, r.reason(), r.log()));
            if (r.screenshot() != null) {
                msg.append("  Screenshot: ").append(r.screenshot()).append(System.lineSeparator());
            }
            if (!r.command().isEmpty()) {
                msg.append("  Rerun by hand: ").append(String.join(" ", r.command())).append(System.lineSeparator());
            }
        }
        msg.append("  Report: ").append(html).append(" and ").append(junit);
        if (p.failureIgnore()) {
            for (String line : msg.toString().strip().split("\\R")) {
                log.error(line);
            }
            log.warn(failed.size() + " of " + p.modes().size() + " boot" + (p.modes().size() == 1 ? "" : "s")
                    + " failed; the build goes on (testFailureIgnore, maven.test.failure.ignore = true)");
            return all;
        }
        throw new MojoFailureException(msg.toString().strip());
    }
}
