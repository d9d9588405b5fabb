package org.nixusb.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.nixusb.BadInputException;
import org.nixusb.BuildLog;
import org.nixusb.testing.HostTools;

/** The process wrapper with a stand-in for qemu (a shell script): verdicts, logs, and no process left behind. */
class QemuBootTest {

    private static Path fakeQemu(Path dir, String body) throws Exception {
        Path script = dir.resolve("fake-qemu-" + UUID.randomUUID());
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private static QemuBoot.Settings settings(Path dir, Path qemu, int timeoutSeconds) throws Exception {
        Path image = dir.resolve("image.iso");
        Files.write(image, new byte[2048]);
        return new QemuBoot.Settings(image, BootMode.BIOS_USB, Pattern.compile("MARKER \\w+"),
                Pattern.compile(QemuBoot.DEFAULT_FAIL), Duration.ofSeconds(timeoutSeconds), 256, qemu.toString(), Accelerator.TCG,
                dir.resolve("logs/boot.log"), List.of());
    }

    private static boolean running(Path script) {
        return ProcessHandle.allProcesses().anyMatch(h -> h.info().commandLine().orElse("").contains(
                script.getFileName().toString()));
    }

    @Test
    void passesOnTheExpectedOutputAndKillsQemu() throws Exception {
        Path dir = HostTools.workDir("qemu-pass");
        Path q = fakeQemu(dir, "echo \"args: $*\"; echo booting; sleep 1; echo 'MARKER ok'; sleep 120");
        BootResult r = new QemuBoot(BuildLog.SILENT).boot(settings(dir, q, 30));
        assertTrue(r.passed(), r.reason());
        assertTrue(r.reason().contains("MARKER ok"));
        String log = Files.readString(dir.resolve("logs/boot.log"));
        assertTrue(log.contains("booting") && log.contains("usb-storage,bus=xhci.0,drive=stick,bootindex=0")
                && log.contains("snapshot=on"), log);
        assertFalse(running(q), "qemu must be killed after the verdict");
    }

    @Test
    void failsOnAFailurePatternAndOnTimeout() throws Exception {
        Path dir = HostTools.workDir("qemu-fail");
        Path panic = fakeQemu(dir, "echo 'Kernel panic - not syncing: VFS'; sleep 120");
        BootResult r = new QemuBoot(BuildLog.SILENT).boot(settings(dir, panic, 30));
        assertFalse(r.passed());
        assertTrue(r.reason().contains("Kernel panic"), r.reason());
        assertTrue(r.millis() < 20_000);
        assertFalse(running(panic));

        Path silent = fakeQemu(dir, "echo 'SeaBIOS (version x)'; sleep 120");
        r = new QemuBoot(BuildLog.SILENT).boot(settings(dir, silent, 2));
        assertFalse(r.passed());
        assertTrue(r.reason().startsWith("timed out after 2 s") && r.reason().contains("SeaBIOS"), r.reason());
        assertFalse(running(silent), "qemu must be killed on timeout");

        Path exits = fakeQemu(dir, "echo 'qemu: could not open disk'; exit 1");
        r = new QemuBoot(BuildLog.SILENT).boot(settings(dir, exits, 30));
        assertFalse(r.passed());
        assertTrue(r.reason().contains("exited with code 1") && r.reason().contains("could not open disk"), r.reason());
    }

    @Test
    void twentyTimeoutsInARowLeaveNoQemuBehind() throws Exception {
        Path dir = HostTools.workDir("qemu-hygiene");
        // the stand-in starts a child of its own, as qemu's helpers would
        String marker = "301." + (System.nanoTime() % 100000);
        Path q = fakeQemu(dir, "sleep " + marker + " & echo started; sleep 300");
        for (int i = 0; i < 20; i++) {
            BootResult r = new QemuBoot(BuildLog.SILENT).boot(settings(dir, q, 1));
            assertFalse(r.passed());
            assertTrue(r.reason().startsWith("timed out"), r.reason());
        }
        Thread.sleep(500);
        assertFalse(running(q), "a stand-in qemu survived");
        long sleepers = ProcessHandle.allProcesses().filter(h -> h.info().commandLine().orElse("")
                .contains("sleep " + marker)).count();
        assertEquals(0, sleepers, "children of the stand-in survived");
        // only this JVM's directories: another build on the machine may have its own in flight
        String mine = QemuBoot.QMP_PREFIX + ProcessHandle.current().pid() + "-";
        try (var s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertEquals(0, s.filter(p -> p.getFileName().toString().startsWith(mine)).count(),
                    "QMP socket directories left behind");
        }
    }

    @Test
    void aMissingImageIsACleanError() throws Exception {
        Path dir = HostTools.workDir("qemu-no-image");
        QemuBoot.Settings s = settings(dir, fakeQemu(dir, "exit 0"), 5);
        Files.delete(s.image());
        BadInputException e = assertThrows(BadInputException.class, () -> new QemuBoot(BuildLog.SILENT).boot(s));
        assertTrue(e.getMessage().contains("does not exist") && e.getMessage().contains("the image option"),
                e.getMessage());
        assertEquals(List.of("image"), e.options());
    }

    @Test
    void modesAttachTheImageWithoutWriting() {
        Path img = Path.of("/tmp/a,b.iso");
        assertEquals(List.of("-device", "qemu-xhci,id=xhci", "-drive",
                "if=none,id=stick,format=raw,snapshot=on,file=/tmp/a,,b.iso", "-device",
                "usb-storage,bus=xhci.0,drive=stick,bootindex=0"), BootMode.BIOS_USB.deviceArgs(img));
        assertTrue(String.join(" ", BootMode.BIOS_CDROM.deviceArgs(img)).contains("media=cdrom,readonly=on"));
        assertEquals(BootMode.BIOS_HDD, BootMode.parse("BIOS-HDD"));
        assertThrows(IllegalArgumentException.class, () -> BootMode.parse("floppy"));
    }
}
