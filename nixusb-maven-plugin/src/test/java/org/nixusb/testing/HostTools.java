package org.nixusb.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Runs the independent tools the tests compare against (genisoimage, xorriso, isohybrid, mkfs.vfat,
 * mtools). In CI a missing tool fails the test; on a developer machine it skips with a loud warning.
 */
public final class HostTools {
    private HostTools() {
    }

    public static void require(String... tools) {
        for (String tool : tools) {
            if (!onPath(tool)) {
                unavailable("host tool '" + tool + "' is missing: run scripts/setup-host.sh (as root) to install it");
            }
        }
    }

    /**
     * What a test does when the machine lacks something it needs: skip with a warning on a developer's
     * machine, fail in CI ({@code CI} set), where every test must run.
     */
    public static void unavailable(String msg) {
        if (System.getenv("CI") != null) {
            fail(msg + " (CI must run every test)");
        }
        System.err.println("WARNING: SKIPPING TEST: " + msg);
        Assumptions.abort(msg);
    }

    /** A command on PATH, or, for an absolute path, a file that exists. */
    public static boolean onPath(String tool) {
        if (tool.startsWith("/")) {
            return Files.isRegularFile(Path.of(tool));
        }
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "" : path + ":/usr/sbin:/sbin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a command, fails the test on a non-zero exit, returns stdout+stderr. */
    public static String run(Path dir, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        pb.environment().put("MTOOLS_SKIP_CHECK", "1");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + String.join(" ", cmd));
        }
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> String.join(" ", cmd) + " failed:\n" + text);
        return text;
    }

    public static String run(String... cmd) throws IOException, InterruptedException {
        return run(null, cmd);
    }

    /** Runs a command whose exit status the test judges from its output (a check expected to fail). */
    public static String runAllowingFailure(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + String.join(" ", cmd));
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** A fresh work directory under target/unit-work. */
    public static Path workDir(String name) throws IOException {
        String base = System.getProperty("nixusb.test.work", "target/unit-work");
        Path d = Path.of(base, name);
        deleteTree(d);
        Files.createDirectories(d);
        return d.toAbsolutePath();
    }

    /** Deletes a directory tree, read-only entries included; nothing when it does not exist. */
    public static void deleteTree(Path d) throws IOException {
        if (!Files.exists(d)) {
            return;
        }
        try (var s = Files.walk(d)) {
            List<Path> all = new ArrayList<>(s.toList());
            all.sort((a, b) -> b.getNameCount() - a.getNameCount());
            for (Path p : all) {
                p.toFile().setWritable(true);
                Files.deleteIfExists(p);
            }
        }
    }

    public static List<String> list(String... s) {
        return new ArrayList<>(Arrays.asList(s));
    }
}
