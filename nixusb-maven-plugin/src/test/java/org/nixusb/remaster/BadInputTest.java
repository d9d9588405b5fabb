package org.nixusb.remaster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.nixusb.BadInputException;
import org.nixusb.BuildLog;
import org.nixusb.qemu.QemuBoot;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.SourceIsos;

/** Each kind of bad input gives one message naming the file, the problem and the cure; nothing is written. */
class BadInputTest {

    private static BadInputException remasterFails(Path source, Path out, Path syslinux) throws Exception {
        byte[] before = Files.exists(source) ? Files.readAllBytes(source) : null;
        BadInputException e = assertThrows(BadInputException.class, () -> new Remaster(BuildLog.SILENT).run(
                RemasterOptions.of(source, out).withSyslinuxDirectory(syslinux)));
        assertFalse(Files.exists(out), "no output may be left behind");
        if (Files.isDirectory(out.getParent())) {
            try (var s = Files.list(out.getParent())) {
                assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".part")), "no temporary file left");
            }
        }
        if (before != null) {
            assertTrue(Arrays.equals(before, Files.readAllBytes(source)), "the source must not change");
        }
        assertTrue(e.cure() != null && !e.cure().isBlank(), "a cure: " + e.getMessage());
        return e;
    }

    @Test
    void aFileThatIsNotAnIso() throws Exception {
        Path dir = HostTools.workDir("bad-not-iso");
        Path f = dir.resolve("notes.iso");
        byte[] junk = new byte[100_000];
        new Random(1).nextBytes(junk);
        Files.write(f, junk);
        BadInputException e = remasterFails(f, dir.resolve("out/usb.iso"), null);
        assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("\"CD001\"") && e.getMessage().contains("not an ISO 9660 image"),
                e.getMessage());
        Files.write(f, new byte[1000]);
        assertTrue(remasterFails(f, dir.resolve("out/usb.iso"), null).getMessage().contains("too small"));
    }

    @Test
    void aTruncatedIso() throws Exception {
        Path dir = HostTools.workDir("bad-truncated");
        Path tree = SourceIsos.nixosTree(dir, true);
        Path iso = SourceIsos.genisoimage(dir, tree, "full.iso");
        byte[] all = Files.readAllBytes(iso);
        Path half = dir.resolve("half.iso");
        Files.write(half, Arrays.copyOf(all, all.length / 2));
        BadInputException e = remasterFails(half, dir.resolve("out/usb.iso"), null);
        assertTrue(e.getMessage().contains(half.toString()) && e.getMessage().contains("truncated"), e.getMessage());
        Path head = dir.resolve("head.iso");
        Files.write(head, Arrays.copyOf(all, 17 * 2048 + 100));
        assertTrue(remasterFails(head, dir.resolve("out/usb.iso"), null).getMessage().contains("truncated"));
    }

    @Test
    void noLoaderEntries() throws Exception {
        Path dir = HostTools.workDir("bad-no-entries");
        // no menu and no El Torito boot at all: nothing a stick could start
        Path iso = dir.resolve("src.iso");
        HostTools.run("genisoimage", "-quiet", "-o", iso.toString(), "-V", "NIXOS_ISO", "-R",
                SourceIsos.nixosTree(dir, false).toString());
        BadInputException e = remasterFails(iso, dir.resolve("out/usb.iso"), null);
        assertTrue(e.getMessage().contains("no systemd-boot entries"), e.getMessage());
    }

    @Test
    void anEntryNamingAMissingKernel() throws Exception {
        Path dir = HostTools.workDir("bad-missing-kernel");
        Path tree = SourceIsos.nixosTree(dir, true);
        Files.writeString(tree.resolve("loader/entries/nixos-livecd.conf"), "title x\nlinux /boot/vmlinuz-missing\n");
        Path iso = SourceIsos.genisoimage(dir, tree, "src.iso");
        BadInputException e = remasterFails(iso, dir.resolve("out/usb.iso"), null);
        assertTrue(e.getMessage().contains("/boot/vmlinuz-missing") && e.getMessage().contains("nixos-livecd.conf"),
                e.getMessage());
    }

    @Test
    void missingSyslinuxFiles() throws Exception {
        Path dir = HostTools.workDir("bad-syslinux");
        Path iso = SourceIsos.genisoimage(dir, SourceIsos.nixosTree(dir, true), "src.iso");
        Path empty = Files.createDirectories(dir.resolve("empty-syslinux"));
        BadInputException e = remasterFails(iso, dir.resolve("out/usb.iso"), empty);
        assertTrue(e.getMessage().contains(empty.toString()) && e.getMessage().contains("isolinux.bin"),
                e.getMessage());
        Path partial = Files.createDirectories(dir.resolve("partial-syslinux"));
        Files.copy(Path.of("/usr/lib/ISOLINUX/isolinux.bin"), partial.resolve("isolinux.bin"));
        Files.copy(Path.of("/usr/lib/ISOLINUX/isohdpfx.bin"), partial.resolve("isohdpfx.bin"));
        e = remasterFails(iso, dir.resolve("out/usb.iso"), partial);
        assertTrue(e.getMessage().contains("ldlinux.c32 is missing") && e.getMessage().contains("syslinux-common"),
                e.getMessage());
        Path absent = dir.resolve("no-such-dir");
        assertTrue(remasterFails(iso, dir.resolve("out/usb.iso"), absent).getMessage().contains("does not exist"));
    }

    @Test
    void anOutputDirectoryThatCannotBeWritten() throws Exception {
        Path dir = HostTools.workDir("bad-output");
        Path iso = SourceIsos.genisoimage(dir, SourceIsos.nixosTree(dir, true), "src.iso");
        Path file = dir.resolve("a-file");
        Files.writeString(file, "x");
        BadInputException e = assertThrows(BadInputException.class, () -> new Remaster(BuildLog.SILENT).run(
                RemasterOptions.of(iso, file.resolve("sub/usb.iso"))));
        assertTrue(e.getMessage().contains("cannot create the output directory")
                && e.getMessage().contains("the output option") && e.options().contains("output"), e.getMessage());
        e = assertThrows(BadInputException.class, () -> new Remaster(BuildLog.SILENT).run(RemasterOptions.of(iso, iso)));
        assertTrue(e.getMessage().contains("the source ISO itself"), e.getMessage());
        e = assertThrows(BadInputException.class, () -> new Remaster(BuildLog.SILENT).run(RemasterOptions.of(
                dir.resolve("missing.iso"), dir.resolve("o.iso"))));
        assertTrue(e.getMessage().contains("does not exist") && e.getMessage().contains("the source option"));
    }

    @Test
    void missingQemu() {
        BadInputException e = assertThrows(BadInputException.class, () -> QemuBoot.findQemu("qemu-system-nonexistent"));
        assertTrue(e.getMessage().startsWith("qemu-system-nonexistent: QEMU was not found"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install qemu-system-x86"), e.getMessage());
        assertTrue(e.getMessage().contains("the qemu option") && !e.getMessage().contains("nixusb."), e.getMessage());
        assertEquals(java.util.List.of("qemu", "skipBoot"), e.options());
    }
}
