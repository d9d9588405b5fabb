package org.nixusb.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.nixusb.testing.HostTools;

/**
 * The boot cache's key changes with every input that decides a boot and with nothing else; a kept boot comes back
 * whole (verdict, log, screenshot, steps); a failed boot is never kept; a stale {@code .sha256} is not trusted.
 */
class BootCacheTest {
    private static QemuBoot.Settings settings(Path image, Path log, BootMode mode, String expect, ConsoleScript script) {
        return QemuBoot.Settings.builder(image, mode, log).expect(Pattern.compile(expect))
                .fail(Pattern.compile("Kernel panic")).arch(GuestArch.X86_64).script(script).build();
    }

    @Test
    void theKeyFollowsWhatDecidesABootAndAKeptBootComesBackWhole() throws Exception {
        Path dir = HostTools.workDir("boot-cache");
        Path image = dir.resolve("image.iso");
        Files.write(image, new byte[64 * 1024]);
        Path qemu = dir.resolve("fake-qemu");
        Files.writeString(qemu, "#!/bin/sh\necho 'QEMU emulator version 7.2.0'\n");
        qemu.toFile().setExecutable(true);
        Path log = dir.resolve("out/boot-bios-usb.log");
        ConsoleScript script = ConsoleScript.parse("expect #\n[m] run uname -m => x86_64\n");
        QemuBoot.Settings s = settings(image, log, BootMode.BIOS_USB, "login:", script);
        String facts = BootCache.describe(s, qemu, null);
        String key = BootCache.key(facts);
        assertEquals(key, BootCache.key(BootCache.describe(s, qemu, null)), "stable");
        assertTrue(facts.contains("qemu QEMU emulator version 7.2.0") && facts.contains("step 2 RUN [m] uname -m"),
                facts);
        assertNotEquals(key, BootCache.key(BootCache.describe(settings(image, log, BootMode.BIOS_HDD, "login:",
                script), qemu, null)), "the mode");
        assertNotEquals(key, BootCache.key(BootCache.describe(settings(image, log, BootMode.BIOS_USB, "login: ",
                script), qemu, null)), "expect");
        assertNotEquals(key, BootCache.key(BootCache.describe(settings(image, log, BootMode.BIOS_USB, "login:",
                ConsoleScript.parse("expect #\n[m] run uname -m => aarch64\n")), qemu, null)), "the script");
        QemuBoot.Settings tcg = s.toBuilder().accelerator(Accelerator.TCG).build();
        assertNotEquals(key, BootCache.key(BootCache.describe(tcg, qemu, null)), "the accelerator");
        assertTrue(facts.contains("host " + System.getProperty("os.arch") + " accelerator auto"), facts);
        Path fw = dir.resolve("OVMF_CODE.fd");
        Files.write(fw, new byte[] {1, 2, 3});
        String withFirmware = BootCache.key(BootCache.describe(s, qemu, new Path[] {fw}));
        Files.write(fw, new byte[] {1, 2, 4});
        assertNotEquals(withFirmware, BootCache.key(BootCache.describe(s, qemu, new Path[] {fw})), "the firmware");
        // one byte of the image (and its time, as a rewrite has)
        byte[] b = Files.readAllBytes(image);
        b[40000] = 1;
        Files.write(image, b);
        Files.setLastModifiedTime(image, FileTime.from(Instant.now().plusSeconds(5)));
        assertNotEquals(key, BootCache.key(BootCache.describe(s, qemu, null)), "a byte of the image");
        // a fresh .sha256 is trusted: the hash is not computed again
        Path image2 = dir.resolve("image2.iso");
        Files.write(image2, b);
        Path side = dir.resolve("image2.iso.sha256");
        Files.writeString(side, "a".repeat(64) + "  image2.iso\n");
        Files.setLastModifiedTime(image2, FileTime.from(Instant.now().minusSeconds(120)));
        Files.setLastModifiedTime(side, FileTime.from(Instant.now().minusSeconds(60)));
        assertEquals("a".repeat(64), BootCache.imageSha256(image2), "the remaster's fresh .sha256 is used");
        // the image changes afterwards and the old .sha256 stays: the hash is computed from the new bytes
        b[50000] = 7;
        Files.write(image2, b);
        Files.setLastModifiedTime(image2, FileTime.from(Instant.now()));
        assertEquals(org.nixusb.checksum.Sha256File.sha256(image2), BootCache.imageSha256(image2),
                "a .sha256 older than the image is not trusted: the changed image is hashed again");
        // a .sha256 that names another file is not trusted either
        Path image3 = dir.resolve("image3.iso");
        Files.write(image3, b);
        Files.writeString(dir.resolve("image3.iso.sha256"), "b".repeat(64) + "  other.iso\n");
        assertEquals(org.nixusb.checksum.Sha256File.sha256(image3), BootCache.imageSha256(image3));

        BootCache cache = new BootCache(dir.resolve("cache"));
        Files.createDirectories(log.getParent());
        Files.writeString(log, "serial text\nNIXUSB-FIXTURE-BOOTED\n");
        Path shot = dir.resolve("out/boot-bios-usb.png");
        Files.write(shot, new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        List<ScriptRunner.StepResult> steps = List.of(
                new ScriptRunner.StepResult(script.steps().get(0), ScriptRunner.Status.PASSED, 10, "# ", "ok"),
                new ScriptRunner.StepResult(script.steps().get(1), ScriptRunner.Status.PASSED, 20, "x86_64\n",
                        "`uname -m` exited with 0"));
        BootResult failed = new BootResult(BootMode.BIOS_USB, false, "timed out", 5, log, List.of("qemu"), "tcg",
                null, steps);
        cache.store(key, facts, failed, Instant.now());
        assertNull(cache.lookup(key, s), "a failed boot is not kept");
        Instant when = Instant.parse("2026-12-03T00:00:00Z");
        cache.store(key, facts, new BootResult(BootMode.BIOS_USB, true, "the console printed \"login:\"", 1234, log,
                List.of("qemu-system-x86_64", "-serial", "mon:stdio"), "kvm:tcg", shot, steps), when);
        Files.delete(log);
        Files.delete(shot);
        BootResult back = cache.lookup(key, s);
        assertEquals(when, back.reusedFrom());
        assertTrue(back.passed());
        assertEquals(1234, back.millis());
        assertEquals("serial text\nNIXUSB-FIXTURE-BOOTED\n", Files.readString(log), "the log is back where it was");
        assertTrue(Files.isRegularFile(back.screenshot()) && back.screenshot().equals(shot));
        assertEquals(List.of("qemu-system-x86_64", "-serial", "mon:stdio"), back.command());
        assertEquals(2, back.steps().size());
        assertEquals("x86_64\n", back.steps().get(1).transcript());
        assertEquals("m", back.steps().get(1).step().name());
        assertTrue(Files.readString(dir.resolve("cache").resolve(key.substring(0, 2)).resolve(key).resolve("key.txt"))
                .startsWith("nixusb-boot-cache 1\n"));
        assertNull(cache.lookup(BootCache.key(facts + "x"), s), "another key finds nothing");
    }
}
