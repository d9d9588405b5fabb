package org.nixusb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.nixusb.BuildLog;
import org.nixusb.checksum.Sha256File;
import org.nixusb.remaster.Remaster;
import org.nixusb.remaster.RemasterOptions;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.SourceIsos;

/**
 * RemasterMain, run as a user runs it (its own JVM), has the mojo's defaults: the bundled boot loaders,
 * {@code SOURCE_DATE_EPOCH} for the time of added entries, and the {@code .sha256} beside the image; so its image
 * is the bytes the core makes with those options. {@code --no-checksum} skips the hash; a malformed
 * {@code SOURCE_DATE_EPOCH} is one clear error and no image.
 */
class RemasterMainTest {
    private static Process run(Path dir, String epoch, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), RemasterMain.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().remove("SOURCE_DATE_EPOCH");
        if (epoch != null) {
            pb.environment().put("SOURCE_DATE_EPOCH", epoch);
        }
        return pb.start();
    }

    private static String finish(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        return out;
    }

    @Test
    void theCommandLineHasTheMojosDefaults() throws Exception {
        Path dir = HostTools.workDir("remaster-main");
        Path source = SourceIsos.genisoimage(dir, SourceIsos.nixosTree(dir, true), "src.iso");
        Path out = dir.resolve("cli.iso");
        Process p = run(dir, "1704067200", source.toString(), out.toString(), "-q");
        String said = finish(p);
        assertEquals(0, p.exitValue(), said);
        String sha = Sha256File.sha256(out);
        assertEquals(sha + "  " + out, said.strip(), "prints the sha256sum line");
        assertEquals(sha + "  " + out.getFileName(), Files.readString(dir.resolve("cli.iso.sha256")).strip());

        Path core = dir.resolve("core.iso");
        new Remaster(BuildLog.SILENT).run(RemasterOptions.of(source, core)
                .withTimestamp(Instant.ofEpochSecond(1704067200)));
        assertEquals(Sha256File.sha256(core), sha, "the same image as the core with SOURCE_DATE_EPOCH's time");

        Path plain = dir.resolve("plain.iso");
        Process q = run(dir, null, source.toString(), plain.toString(), "--no-checksum", "-q");
        String qs = finish(q);
        assertEquals(0, q.exitValue(), qs);
        assertFalse(Files.exists(dir.resolve("plain.iso.sha256")));

        Path bad = dir.resolve("bad.iso");
        Process b = run(dir, "yesterday", source.toString(), bad.toString());
        String err = finish(b);
        assertEquals(2, b.exitValue(), err);
        assertTrue(err.startsWith("ERROR: ") && err.contains("SOURCE_DATE_EPOCH"), err);
        assertFalse(Files.exists(bad));
    }

    /**
     * The command line lints its output as the mojo does: the summary line, exit 0 for the default layout's notes;
     * {@code --lint-fail-on info} fails on notes the source did not have (exit 5, the image stays); and
     * {@code --lint}'s exit status: 0 for notes only, 5 for an error (the image cut short: the control).
     */
    @Test
    void theCommandLineLintsItsOutputAndExitsFiveOnAFailingFinding() throws Exception {
        Path dir = HostTools.workDir("remaster-main-lint");
        Path source = SourceIsos.genisoimage(dir, SourceIsos.nixosTree(dir, true), "src.iso");
        Path out = dir.resolve("usb.iso");
        Process p = run(dir, "1704067200", source.toString(), out.toString());
        String said = finish(p);
        assertEquals(0, p.exitValue(), said);
        assertTrue(said.matches("(?s).*Lint: info [^\n]*PARTITIONS_OVERLAP.*") && !said.contains("warning"), said);

        Path strict = dir.resolve("strict.iso");
        Process s = run(dir, "1704067200", source.toString(), strict.toString(), "--lint-fail-on", "info");
        String ss = finish(s);
        assertEquals(5, s.exitValue(), ss);
        assertTrue(ss.contains("lint found [") && ss.contains("PARTITIONS_OVERLAP"), ss);
        assertTrue(Files.isRegularFile(strict), "the image stays");

        Process l = run(dir, null, "--lint", out.toString());
        String ls = finish(l);
        assertEquals(0, l.exitValue(), "notes only: " + ls);
        Path cut = dir.resolve("cut.iso");
        Files.copy(out, cut);
        try (var f = new java.io.RandomAccessFile(cut.toFile(), "rw")) {
            f.setLength(Files.size(out) - (1 << 20));
        }
        Process e = run(dir, null, "--lint", cut.toString());
        String es = finish(e);
        assertEquals(5, e.exitValue(), "an image cut short has errors: " + es);
        assertTrue(es.contains("VOLUME_BEYOND_FILE"), es);

        Process bad = run(dir, null, source.toString(), dir.resolve("x.iso").toString(), "--lint-fail-on", "loud");
        String bs = finish(bad);
        assertEquals(2, bad.exitValue(), bs);
        assertTrue(bs.contains("'loud' is not a severity"), bs);
    }
}
