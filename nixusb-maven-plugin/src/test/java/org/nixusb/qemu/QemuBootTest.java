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
        return QemuBoot.Settings.builder(image, BootMode.BIOS_USB, dir.resolve("logs/boot.log"))
                .expect(Pattern.compile("MARKER \\w+")).timeout(Duration.ofSeconds(timeoutSeconds)).memoryMiB(256)
                .qemu(qemu.toString()).accelerator(Accelerator.TCG).build();
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

    /**
     * KVM without System Management Mode (a nested virtual machine): qemu refuses {@code smm=on} at once with KVM
     * and does not fall back by itself. With the default accelerator, a Secure Boot mode boots again in software
     * emulation and passes; the stand-in passes only without KVM. The control: with {@code accel=kvm} pinned,
     * the same boot fails on that message.
     */
    @Test
    void secureModesFallBackToSoftwareWhereKvmHasNoSmm() throws Exception {
        Path dir = HostTools.workDir("qemu-no-smm");
        Path root = dir.resolve("host-root");
        Files.createDirectories(root.resolve("dev"));
        Files.writeString(root.resolve("dev/kvm"), "");
        Path q = fakeQemu(dir, """
                case "$*" in
                  *" -S "*|*" -S") sleep 30 ;;
                  *"-accel kvm"*smm=on*) echo 'qemu-system-x86_64: System Management Mode not supported by this hypervisor.'; exit 1 ;;
                  *"-accel kvm"*) echo 'MARKER kvm'; sleep 120 ;;
                  *) echo "args: $*"; echo 'MARKER tcg'; sleep 120 ;;
                esac""");
        Path code = dir.resolve("OVMF_CODE.secboot.fd");
        Path vars = dir.resolve("OVMF_VARS.ms.fd");
        Files.write(code, new byte[4096]);
        Files.write(vars, org.nixusb.testing.FirmwareSeeds.variableStore());
        String before = System.getProperty(org.nixusb.HostPaths.ROOT_PROPERTY);
        System.setProperty(org.nixusb.HostPaths.ROOT_PROPERTY, root.toString());
        try {
            QemuBoot.Settings base = settings(dir, q, 30);
            QemuBoot.Settings secure = QemuBoot.Settings.builder(base.image(), BootMode.UEFI_CDROM_SECURE,
                    dir.resolve("logs/secure.log")).expect(base.expect()).fail(base.fail()).timeout(base.timeout())
                    .memoryMiB(256).qemu(q.toString()).ovmf(code, vars).build();
            List<String> warnings = new java.util.ArrayList<>();
            BuildLog log = new BuildLog() {
                @Override
                public void info(String message) {
                }

                @Override
                public void warn(String message) {
                    warnings.add(message);
                }
            };
            BootResult r = new QemuBoot(log).boot(secure);
            assertTrue(r.passed(), r.reason());
            assertEquals("the console printed \"MARKER tcg\"", r.reason());
            assertEquals("tcg", r.accelerator());
            assertTrue(warnings.stream().anyMatch(w -> w.contains("cannot emulate System Management Mode")), warnings.toString());

            QemuBoot.Settings pinned = QemuBoot.Settings.builder(base.image(), BootMode.UEFI_CDROM_SECURE,
                    dir.resolve("logs/pinned.log")).expect(base.expect()).fail(base.fail()).timeout(base.timeout())
                    .memoryMiB(256).qemu(q.toString()).accelerator(Accelerator.KVM).ovmf(code, vars).build();
            BootResult control = new QemuBoot(BuildLog.SILENT).boot(pinned);
            assertFalse(control.passed());
            assertTrue(control.reason().contains("System Management Mode not supported"), control.reason());

            // a mode without Secure Boot keeps KVM on the same qemu
            QemuBoot.Settings plain = QemuBoot.Settings.builder(base.image(), BootMode.BIOS_CDROM,
                    dir.resolve("logs/plain.log")).expect(base.expect()).fail(base.fail()).timeout(base.timeout())
                    .memoryMiB(256).qemu(q.toString()).build();
            BootResult kvm = new QemuBoot(BuildLog.SILENT).boot(plain);
            assertTrue(kvm.passed() && kvm.reason().contains("MARKER kvm"), kvm.reason());
        } finally {
            if (before == null) {
                System.clearProperty(org.nixusb.HostPaths.ROOT_PROPERTY);
            } else {
                System.setProperty(org.nixusb.HostPaths.ROOT_PROPERTY, before);
            }
        }
    }
}
