package org.nixusb.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.nixusb.BuildLog;
import org.nixusb.qemu.BootMode;
import org.nixusb.qemu.BootResult;
import org.nixusb.qemu.QemuBoot;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.RecordingLog;

/**
 * The stick nixusb:write wrote, booted: an ISOLINUX hybrid whose config prints a random marker is written
 * to a loop device, which then boots as a USB stick of its own size, read-only. Control: the same loop
 * device before the write does not boot. The device's bytes are the same before and after the boot.
 */
class WrittenStickBootTest {
    @Test
    void theWrittenLoopDeviceBootsAndIsNotWrittenByTheBoot() throws Exception {
        HostTools.require("xorriso", "qemu-system-x86_64", "losetup");
        Path dir = HostTools.workDir("written-stick-boot");
        String marker = "NIXUSB-WRITTEN-" + UUID.randomUUID().toString().substring(0, 8);
        Path tree = dir.resolve("tree");
        Files.createDirectories(tree.resolve("isolinux"));
        Files.copy(Path.of("/usr/lib/ISOLINUX/isolinux.bin"), tree.resolve("isolinux/isolinux.bin"));
        Files.copy(Path.of("/usr/lib/syslinux/modules/bios/ldlinux.c32"), tree.resolve("isolinux/ldlinux.c32"));
        Files.writeString(tree.resolve("isolinux/isolinux.cfg"), "SERIAL 0 115200\nSAY " + marker
                + "\nPROMPT 0\nDEFAULT none\nLABEL none\n  LINUX /no-kernel\n");
        Path image = dir.resolve("stick.iso");
        HostTools.run("xorriso", "-as", "mkisofs", "-quiet", "-o", image.toString(), "-V", "WRITTEN",
                "-isohybrid-mbr", "/usr/lib/ISOLINUX/isohdpfx.bin", "-b", "isolinux/isolinux.bin", "-c",
                "isolinux/boot.cat", "-no-emul-boot", "-boot-load-size", "4", "-boot-info-table", tree.toString());

        Path backing = dir.resolve("loop-backing.img");
        Files.write(backing, new byte[0]);
        try (var f = new java.io.RandomAccessFile(backing.toFile(), "rw")) {
            f.setLength(64L << 20);
        }
        Process p = new ProcessBuilder("losetup", "-f", "--show", backing.toString()).redirectErrorStream(true).start();
        String loop = new String(p.getInputStream().readAllBytes()).strip();
        if (p.waitFor() != 0 || !loop.startsWith("/dev/loop")) {
            HostTools.unavailable("no loop device can be attached here (losetup: " + loop + ")");
        }
        try {
            // control: the blank device boots nothing
            BootResult blank = boot(dir, loop, marker, "blank", 60);
            assertFalse(blank.passed(), blank.reason());
            assertTrue(blank.reason().contains("Boot failed") || blank.reason().contains("No bootable device"),
                    "the blank device fails because the firmware finds nothing to boot: " + blank.reason());

            StickWriter w = new StickWriter(TestSticks.loopAsStick(), BuildLog.SILENT);
            w.write(image, w.check(image, Path.of(loop), false));
            String before = HostTools.run("sha256sum", backing.toString()).split("\\s+")[0];

            RecordingLog log = new RecordingLog();
            BootResult r = new QemuBoot(log).boot(settings(dir, loop, marker, "written", 120));
            assertTrue(r.passed(), r.reason());
            assertTrue(log.has("bios-usb: a 64.0 MiB virtual stick"), "the stick is the device, at its size: "
                    + log.lines);
            assertEquals(before, HostTools.run("sha256sum", backing.toString()).split("\\s+")[0],
                    "the boot must not write to the device");
        } finally {
            new ProcessBuilder("losetup", "-d", loop).start().waitFor();
        }
    }

    private static QemuBoot.Settings settings(Path dir, String loop, String marker, String name, int seconds) {
        return QemuBoot.Settings.builder(Path.of(loop), BootMode.BIOS_USB, dir.resolve(name + "/boot.log"))
                .expect(Pattern.compile(Pattern.quote(marker))).timeout(Duration.ofSeconds(seconds)).memoryMiB(256)
                .accelerator(org.nixusb.qemu.Accelerator.TCG).stick(new QemuBoot.Stick(0, true, true)).build();
    }

    private static BootResult boot(Path dir, String loop, String marker, String name, int seconds) throws Exception {
        return new QemuBoot(BuildLog.SILENT).boot(settings(dir, loop, marker, name, seconds));
    }
}
