package org.nixusb.remaster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nixusb.BadInputException;
import org.nixusb.checksum.Sha256File;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.lint.ImageLint;
import org.nixusb.testing.BootSectors;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.RecordingLog;
import org.nixusb.testing.SourceIsos;

/**
 * CDs that boot an emulated disk (BIOS updates, DOS): ISOLINUX starts the image with MEMDISK. Each output is read
 * back by xorriso (its El Torito entry now ISOLINUX, no emulation) and lints clean; the image it starts is the
 * source's, byte for byte, whether the tree lists it or hides it. QEMU boots of the same CDs are the invoker IT
 * {@code floppy-and-disk-cds-boot-usb}.
 */
class MemdiskRemasterTest {

    private static String report(Path iso) throws Exception {
        return HostTools.run("xorriso", "-indev", iso.toString(), "-report_el_torito", "plain");
    }

    @Test
    void aFloppyCdGetsIsolinuxStartingItsFloppyWithMemdisk() throws Exception {
        HostTools.require("genisoimage", "xorriso");
        Path dir = HostTools.workDir("memdisk-floppy");
        Path src = SourceIsos.emulatedDiskCd(dir, "floppy", "NIXUSB-FLOPPY-BOOTED token=t1", false, false);
        assertTrue(report(src).matches("(?s).*El Torito boot img : +1 +BIOS +y +fd1\\.4 .*"), report(src));
        var inspected = org.nixusb.inspect.ImageInspection.text(org.nixusb.inspect.ImageInspection.inspect(src));
        assertTrue(inspected.contains("1.44 MB floppy emulation") && inspected.contains("nixusb:remaster with the "
                + "defaults: Plan: memdisk (it boots a 1.44 MB floppy image"), inspected);
        String before = Sha256File.sha256(src);
        RecordingLog log = new RecordingLog();
        Path out = dir.resolve("usb.iso");
        RemasterResult r = new Remaster(log).run(RemasterOptions.of(src, out));
        assertEquals(RemasterPlan.Route.MEMDISK, r.route());
        assertEquals(before, Sha256File.sha256(src), "the source is never modified");
        assertTrue(log.has("Plan: memdisk (it boots a 1.44 MB floppy image in El Torito emulation and has no Linux "
                + "menu); BIOS: ISOLINUX starting the El Torito disk image with MEMDISK; UEFI: none"),
                log.lines.toString());
        assertTrue(log.has("MEMDISK: ISOLINUX starts /boot/disk.img (the 1.44 MB floppy the source boots in El Torito "
                + "emulation) with /isolinux/memdisk, which serves it to the BIOS as drive A:"), log.lines.toString());
        assertTrue(r.config().contains("LINUX /isolinux/memdisk\n  INITRD /boot/disk.img\n  APPEND floppy"),
                r.config());
        String rep = report(out);
        assertTrue(rep.matches("(?s).*El Torito boot img : +1 +BIOS +y +none .*"), rep);
        assertTrue(rep.contains("El Torito img path :   1  /isolinux/isolinux.bin"), rep);
        try (IsoVolume v = IsoVolume.open(out)) {
            assertNotNull(v.find("/isolinux/memdisk"));
            assertNull(v.find("/isolinux/eltorito-floppy.img"), "the tree's file is used, not a copy");
            assertArrayEquals(Files.readAllBytes(dir.resolve("tree-floppy/boot/disk.img")),
                    v.read(v.find("/boot/disk.img")), "the floppy is the source's");
        }
        assertTrue(ImageLint.lint(out).worst() != org.nixusb.lint.Severity.ERROR, ImageLint.lint(out).text());
    }

    @Test
    void aHiddenFloppyIsCopiedIntoTheTreeAndAHardDiskIsServedAsC() throws Exception {
        HostTools.require("genisoimage", "xorriso");
        Path dir = HostTools.workDir("memdisk-hidden");
        Path hidden = SourceIsos.emulatedDiskCd(dir, "hidden", "NIXUSB-FLOPPY-BOOTED token=t2", false, true);
        try (IsoVolume v = IsoVolume.open(hidden)) {
            assertNull(v.find("/boot/disk.img"), "genisoimage -hide left it out of the tree");
        }
        RecordingLog log = new RecordingLog();
        Path out = dir.resolve("hidden-usb.iso");
        RemasterResult r = new Remaster(log).run(RemasterOptions.of(hidden, out));
        assertTrue(log.has("is no file of the tree: a copy of it is added as /isolinux/eltorito-floppy.img"),
                log.lines.toString());
        assertTrue(r.config().contains("INITRD /isolinux/eltorito-floppy.img"), r.config());
        byte[] floppy = new byte[1_474_560];
        System.arraycopy(BootSectors.serialMarker("NIXUSB-FLOPPY-BOOTED token=t2"), 0, floppy, 0, 512);
        Path back = dir.resolve("floppy-back.img");
        Files.deleteIfExists(back);
        HostTools.run("xorriso", "-osirrox", "on", "-indev", out.toString(), "-extract",
                "/isolinux/eltorito-floppy.img", back.toString());
        assertArrayEquals(floppy, Files.readAllBytes(back), "xorriso reads the source's floppy back");

        Path disk = SourceIsos.emulatedDiskCd(dir, "disk", "NIXUSB-DISK-BOOTED token=t3", true, false);
        assertTrue(report(disk).matches("(?s).*El Torito boot img : +1 +BIOS +y +hd .*"), report(disk));
        RecordingLog dl = new RecordingLog();
        RemasterResult d = new Remaster(dl).run(RemasterOptions.of(disk, dir.resolve("disk-usb.iso")));
        assertTrue(dl.has("Plan: memdisk (it boots a hard disk image in El Torito emulation"), dl.lines.toString());
        assertTrue(d.config().contains("INITRD /boot/disk.img\n  APPEND harddisk"), d.config());
        assertTrue(dl.has("serves it to the BIOS as drive C:"), dl.lines.toString());
    }

    @Test
    void everyFloppySizeElToritoNamesIsServed() throws Exception {
        HostTools.require("genisoimage", "xorriso");
        Path dir = HostTools.workDir("memdisk-sizes");
        for (Object[] c : new Object[][] {{1_228_800, "1.2 MB", "fd1\\.2"}, {2_949_120, "2.88 MB", "fd2\\.8"}}) {
            int bytes = (Integer) c[0];
            Path src = SourceIsos.emulatedDiskCd(dir, "fd" + bytes, "NIXUSB-FLOPPY-BOOTED token=" + bytes, false,
                    true, bytes);
            assertTrue(report(src).matches("(?s).*El Torito boot img : +1 +BIOS +y +" + c[2] + " .*"), report(src));
            RecordingLog log = new RecordingLog();
            Path out = dir.resolve("fd" + bytes + "-usb.iso");
            RemasterResult r = new Remaster(log).run(RemasterOptions.of(src, out));
            assertTrue(log.has("Plan: memdisk (it boots a " + c[1] + " floppy image"), log.lines.toString());
            assertTrue(r.config().contains("APPEND floppy"), r.config());
            Path back = dir.resolve("fd" + bytes + "-back.img");
            Files.deleteIfExists(back);
            HostTools.run("xorriso", "-osirrox", "on", "-indev", out.toString(), "-extract",
                    "/isolinux/eltorito-floppy.img", back.toString());
            assertEquals(bytes, Files.size(back), "the whole floppy, as its type says");
        }
    }

    @Test
    void aMultiBootCdOffersEachOfItsFloppies() throws Exception {
        HostTools.require("genisoimage", "xorriso");
        Path dir = HostTools.workDir("memdisk-multi");
        Path tree = dir.resolve("tree");
        Files.createDirectories(tree.resolve("boot"));
        for (String n : List.of("rescue", "install", "tools")) {
            byte[] floppy = new byte[1_474_560];
            System.arraycopy(BootSectors.serialMarker("NIXUSB-FLOPPY-BOOTED " + n), 0, floppy, 0, 512);
            Files.write(tree.resolve("boot/" + n + ".img"), floppy);
        }
        SourceIsos.touchAll(tree);
        Path src = dir.resolve("multi.iso");
        // the default entry and two more in sections of the catalog (genisoimage -eltorito-alt-boot)
        HostTools.run("genisoimage", "-quiet", "-o", src.toString(), "-V", "MULTI", "-r", "-c", "boot/boot.cat",
                "-b", "boot/rescue.img", "-eltorito-alt-boot", "-b", "boot/install.img", "-eltorito-alt-boot", "-b",
                "boot/tools.img", tree.toString());
        RecordingLog log = new RecordingLog();
        RemasterResult r = new Remaster(log).run(RemasterOptions.of(src, dir.resolve("multi-usb.iso")));
        assertTrue(log.has("Plan: memdisk (it boots a 1.44 MB floppy image in El Torito emulation (and its catalog 2 "
                + "more) and has no Linux menu)"), log.lines.toString());
        assertEquals(List.of("eltorito", "eltorito-2", "eltorito-3"), r.entries());
        assertTrue(r.config().contains("DEFAULT eltorito\n") && r.config().contains("TIMEOUT 100"), r.config());
        for (String n : List.of("rescue", "install", "tools")) {
            assertTrue(r.config().contains("INITRD /boot/" + n + ".img\n  APPEND floppy"), r.config());
        }
    }

    @Test
    void aCdWithOnlyItsOwnBiosLoaderBootsAsACdFromMemory() throws Exception {
        HostTools.require("xorriso");
        Path dir = HostTools.workDir("memdisk-cd");
        Path tree = dir.resolve("tree");
        Files.createDirectories(tree.resolve("boot"));
        byte[] loader = new byte[2048];
        System.arraycopy(BootSectors.serialMarker("NIXUSB-BIOS-LOADER-BOOTED token=m"), 0, loader, 0, 512);
        Files.write(tree.resolve("boot/loader.bin"), loader);
        SourceIsos.touchAll(tree);
        Path src = dir.resolve("own.iso");
        HostTools.run("xorriso", "-as", "mkisofs", "-quiet", "-R", "-V", "OWNLOADER", "-o", src.toString(), "-c",
                "boot/boot.cat", "-b", "boot/loader.bin", "-no-emul-boot", "-boot-load-size", "4", tree.toString());
        RecordingLog log = new RecordingLog();
        Path out = dir.resolve("own-usb.iso");
        RemasterResult r = new Remaster(log).run(RemasterOptions.of(src, out));
        assertEquals(RemasterPlan.Route.MEMDISK_CD, r.route());
        assertTrue(log.has("Plan: memdisk-cd (it boots with a BIOS loader of its own and has no Linux menu and no EFI "
                + "image: a stick can only boot a copy of the CD from memory)"), log.lines.toString());
        assertTrue(log.has("the stick boots a copy of the whole CD"), log.lines.toString());
        assertTrue(r.config().contains("LINUX /isolinux/memdisk\n  INITRD /isolinux/cd.iso\n  APPEND iso raw"),
                r.config());
        // the copy is the source as it is, its own El Torito boot included
        Path back = dir.resolve("cd-back.iso");
        Files.deleteIfExists(back);
        HostTools.run("xorriso", "-osirrox", "on", "-indev", out.toString(), "-extract", "/isolinux/cd.iso",
                back.toString());
        assertArrayEquals(Files.readAllBytes(src), Files.readAllBytes(back));
        assertTrue(report(out).contains("/isolinux/isolinux.bin"), report(out));
        BadInputException create = assertThrows(BadInputException.class, () -> new Remaster(new RecordingLog()).run(
                RemasterOptions.of(src, dir.resolve("create.iso")).withEfi("create")));
        assertTrue(create.getMessage().contains("no Linux boot menu to make a GRUB path from"), create.getMessage());
        Path keepOut = dir.resolve("keep.iso");
        BadInputException keep = assertThrows(BadInputException.class, () -> new Remaster(new RecordingLog()).run(
                RemasterOptions.of(src, keepOut).withEfi("keep")));
        assertTrue(keep.getMessage().startsWith(src + ": efi=keep, but the source has no El Torito EFI image and no "
                + "Linux boot menu") && keep.getMessage().contains("Set the efi option to auto or none")
                && keep.options().contains("efi"), keep.getMessage());
        assertFalse(Files.exists(keepOut), "refused before anything is written");

        // the cap: a CD of 1 GiB and one block is not copied into memory (a sparse copy: the same CD, zeros after it)
        Path big = dir.resolve("own-big.iso");
        Files.copy(src, big);
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            f.setLength((1L << 30) + 2048);
        }
        Path bigOut = dir.resolve("own-big-usb.iso");
        BadInputException cap = assertThrows(BadInputException.class, () -> new Remaster(new RecordingLog()).run(
                RemasterOptions.of(big, bigOut)));
        assertTrue(cap.getMessage().contains("at 1024 MiB it is larger than the 1024 MiB nixusb copies so")
                && cap.getMessage().contains("give the CD a Linux boot menu"), cap.getMessage());
        assertFalse(Files.exists(bigOut), "refused before anything is written");
        // one block less is within the cap: planned as memdisk-cd
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(1L << 30);
        }
        assertEquals(RemasterPlan.Route.MEMDISK_CD, new Remaster(new RecordingLog()).plan(RemasterOptions.of(big,
                bigOut)).route());
        Files.delete(big);
    }

    @Test
    void whatCannotServeAFloppyIsRefusedBeforeAnythingIsWritten() throws Exception {
        HostTools.require("genisoimage");
        Path dir = HostTools.workDir("memdisk-refused");
        Path src = SourceIsos.emulatedDiskCd(dir, "floppy", "NIXUSB-FLOPPY-BOOTED token=t4", false, false);
        Path out = dir.resolve("usb.iso");
        BadInputException e = assertThrows(BadInputException.class, () -> new Remaster(new RecordingLog()).run(
                RemasterOptions.of(src, out).withEfi("create")));
        assertTrue(e.getMessage().contains("efi=create makes a GRUB path from a Linux boot menu, and the source has "
                + "none: it boots a 1.44 MB floppy image") && e.options().contains("efi"), e.getMessage());
        assertFalse(Files.exists(out));
    }
}
