package org.nixusb.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The tests' Debian downloads are pinned: every line of test-inputs.lock names a package, a version and a SHA-256;
 * pinned-deb.sh hands out the .deb only when its hash is the pinned one, and refuses another, saying how to
 * refresh the lock (the control: the same package against a lock with one changed hash).
 */
class TestInputsLockTest {
    private static final Path LOCK = Path.of("src/test/fixture/test-inputs.lock");
    private static final Path SCRIPT = Path.of("src/test/fixture/pinned-deb.sh");

    private static String[] run(Path lock, Path cache, String pkg) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toAbsolutePath().toString(), pkg, cache.toString());
        pb.environment().put("NIXUSB_TEST_INPUTS_LOCK", lock.toAbsolutePath().toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        String err = new String(p.getErrorStream().readAllBytes()).strip();
        return new String[] {String.valueOf(p.waitFor()), out, err};
    }

    @Test
    void everyDownloadIsTheBytesTheLockPins() throws Exception {
        HostTools.require("apt-get", "sha256sum");
        List<String[]> pins = Files.readAllLines(LOCK).stream().filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> l.strip().split("\\s+")).toList();
        assertTrue(pins.size() >= 8, "the lock pins the fixture's and DebianMedia's packages");
        for (String[] p : pins) {
            assertTrue(p.length == 3 && p[2].matches("[0-9a-f]{64}"), String.join(" ", p));
        }
        Path dir = HostTools.workDir("test-inputs-lock");
        Path cache = Files.createDirectories(dir.resolve("cache"));
        // the smallest pinned package, downloaded afresh into an empty cache
        String[] ok = run(LOCK, cache, "memtest86+");
        assertEquals("0", ok[0], ok[2]);
        String pinned = pins.stream().filter(p -> p[0].equals("memtest86+")).findFirst().orElseThrow()[2];
        assertEquals(pinned, HostTools.run("sha256sum", ok[1]).split("\\s+")[0]);

        Path wrong = dir.resolve("wrong.lock");
        Files.writeString(wrong, Files.readString(LOCK).replace(pinned, "0".repeat(64)));
        Files.delete(Path.of(ok[1]));
        String[] refused = run(wrong, cache, "memtest86+");
        assertEquals("1", refused[0], refused[1]);
        assertTrue(refused[2].contains("refusing it") && refused[2].contains("bash scripts/refresh-test-inputs.sh "
                + "memtest86+"), refused[2]);
        try (var s = Files.list(cache)) {
            assertEquals(0, s.filter(f -> f.toString().endsWith(".deb")).count(), "the refused download is not kept");
        }
    }
}
