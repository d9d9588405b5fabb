package org.nixusb.remaster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nixusb.BadInputException;
import org.nixusb.arch.EfiArch;
import org.nixusb.checksum.Sha256File;
import org.nixusb.fat.FatFileSystem;
import org.nixusb.hybrid.UefiStickCheck;
import org.nixusb.inspect.ImageInspection;
import org.nixusb.iso9660.IsoEntry;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.MadeUpKernels;
import org.nixusb.testing.RecordingLog;
import org.nixusb.testing.SourceIsos;

/**
 * Images for other processors than x86, and for several: an arm64-only CD gets no BIOS path (no ISOLINUX, no El
 * Torito BIOS entry, no boot code), a UEFI stick layout over its EFI image; efi=create makes GRUB for the image's
 * architectures (or those asked for); an image for x86 and arm64 keeps both paths, ISOLINUX offering only the x86
 * entries. Every output is read back by xorriso and sgdisk.
 */
class ArchitectureRemasterTest {
    private static final Instant T = Instant.parse("2026-01-02T03:04:05Z");

    private static Path source(Path dir, String name, String[][] loaders, boolean x86Kernel, boolean armKernel,
            boolean biosEntry) throws Exception {
        return SourceIsos.forArchitectures(dir, name, loaders, x86Kernel, armKernel, biosEntry);
    }

    private static String xorrisoReport(Path iso) throws Exception {
        return HostTools.run("xorriso", "-indev", iso.toString(), "-report_el_torito", "plain",
                "-report_system_area", "plain");
    }

    @Test
    void anArm64OnlySourceGetsAUefiStickAndNoBiosPath() throws Exception {
        HostTools.require("xorriso", "sgdisk", "mkfs.vfat", "mcopy");
        Path dir = HostTools.workDir("arch-arm64");
        Path src = source(dir, "arm64", new String[][] {{"BOOTAA64.EFI", "0xaa64"}}, false, true, false);
        String before = Sha256File.sha256(src);
        RecordingLog log = new RecordingLog();
        Path out = dir.resolve("usb.iso");
        RemasterResult r = new Remaster(log).run(RemasterOptions.of(src, out).withTimestamp(T));
        assertEquals(RemasterPlan.Route.UEFI_ONLY, r.route());
        assertEquals(before, Sha256File.sha256(src), "the source is never modified");
        assertTrue(log.has("Architectures: EFI loaders: aa64 (EFI image 1:/EFI/BOOT/BOOTAA64.EFI); kernels: aa64 "
                + "(/boot/Image)"), log.lines.toString());
        assertTrue(log.has("No BIOS path: the source's EFI loaders and kernels are aa64 only"), log.lines.toString());
        byte[] mbr = new byte[512];
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.READ)) {
            ch.read(java.nio.ByteBuffer.wrap(mbr), 0);
        }
        assertArrayEquals(new byte[440], java.util.Arrays.copyOf(mbr, 440), "no x86 boot code in the MBR");
        assertEquals((byte) 0xEF, mbr[446 + 16 + 4], "partition 2 is the EFI partition");
        assertEquals(List.of(), UefiStickCheck.uefiUsbProblems(out));
        String report = xorrisoReport(out);
        assertTrue(report.matches("(?s).*El Torito boot img : +1 +UEFI .*"), report);
        assertFalse(report.contains("BIOS"), "no El Torito BIOS entry: " + report);
        assertTrue(report.contains("MBR partition      :   2   0x00  0xef"), report);
        try (IsoVolume v = IsoVolume.open(out)) {
            assertNull(v.find("/isolinux"), "no ISOLINUX");
        }
        // fdisk reads the MBR: the 0xEF partition; sgdisk finds only what isohybrid's nested layout always has
        String fdisk = HostTools.run("fdisk", "-l", out.toString());
        assertTrue(fdisk.matches("(?s).*usb\\.iso2 +\\d+ +\\d+ +\\d+ +[\\d.]+M +ef EFI.*"), fdisk);
        for (String p : org.nixusb.testing.SgdiskReport.problems(out)) {
            assertTrue(p.startsWith("Problem: MBR partitions # and # overlap") || p.startsWith("Warning! Main partition "
                    + "table overlaps the first partition") || p.startsWith("Invalid partition data")
                    || p.equals("sgdisk exited with status 2"), p);
        }
        // the output is complete: remastered again, it is copied byte for byte
        RecordingLog again = new RecordingLog();
        Path copy = dir.resolve("again.iso");
        RemasterResult r2 = new Remaster(again).run(RemasterOptions.of(out, copy).withTimestamp(T));
        assertEquals(RemasterPlan.Route.COPY, r2.route(), again.lines.toString());
        assertEquals(-1L, Files.mismatch(out, copy));
        // inspect says which firmware boots which path
        var inspected = ImageInspection.inspect(out);
        String text = ImageInspection.text(inspected);
        assertTrue(text.contains("loader  aa64     EFI image 1:/EFI/BOOT/BOOTAA64.EFI (machine 0xaa64)"), text);
        assertTrue(text.contains("kernel  aa64     /boot/Image (EFI stub, machine 0xaa64)"), text);
        assertTrue(text.contains("boots on: aa64 UEFI: EFI/BOOT/BOOTAA64.EFI"), text);
        assertTrue(text.matches("(?s).*bios-usb +no +the image is for aa64 only.*"), text);
        assertTrue(text.matches("(?s).*uefi-usb +yes .*BOOTAA64.EFI \\(aa64\\).*"), text);
        assertTrue(ImageInspection.json(inspected).contains("\"biosPath\" : false"));
    }

    @Test
    void efiNoneOnAnArm64SourceIsRefusedAndNothingIsWritten() throws Exception {
        HostTools.require("xorriso", "mkfs.vfat", "mcopy");
        Path dir = HostTools.workDir("arch-arm64-none");
        Path src = source(dir, "arm64", new String[][] {{"BOOTAA64.EFI", "0xaa64"}}, false, true, false);
        Path out = dir.resolve("usb.iso");
        BadInputException e = assertThrows(BadInputException.class, () -> new Remaster(new RecordingLog())
                .run(RemasterOptions.of(src, out).withEfi("none")));
        assertTrue(e.getMessage().contains("efi=none, but the source is an aa64 image"), e.getMessage());
        assertFalse(Files.exists(out));
    }

    @Test
    void efiCreateOnAnArm64SourceMakesGrubForArm64() throws Exception {
        HostTools.require("xorriso", "mkfs.vfat", "mcopy");
        Path dir = HostTools.workDir("arch-arm64-create");
        Path src = source(dir, "arm64", new String[][] {{"BOOTAA64.EFI", "0xaa64"}}, false, true, false);
        Path out = dir.resolve("usb.iso");
        RecordingLog log = new RecordingLog();
        new Remaster(log).run(RemasterOptions.of(src, out).withEfi("create").withSerial(true).withTimestamp(T));
        byte[] grub = bundled("grubaa64.efi");
        assertEquals(EfiArch.AA64.machine(), org.nixusb.pe.PeImage.machine(grub));
        try (IsoVolume v = IsoVolume.open(out); FileChannel ch = FileChannel.open(out, StandardOpenOption.READ)) {
            IsoEntry efi = v.find("/boot/nixusb-efi.img");
            assertNotNull(efi, "the created image goes beside the source's /boot/efi.img");
            FatFileSystem fat = FatFileSystem.open(ch, efi.extents().get(0).lba() * 2048, efi.size());
            assertArrayEquals(grub, fat.readAll(fat.find("/EFI/BOOT/BOOTAA64.EFI")));
            assertNull(fat.find("/EFI/BOOT/BOOTX64.EFI"), "no x86 GRUB in an arm64 image");
            String cfg = new String(v.read(v.find("/boot/grub/arm64-efi/grub.cfg")), StandardCharsets.UTF_8);
            assertTrue(cfg.contains("linux /boot/Image root=LABEL=NIXOS_ISO console=ttyAMA0"), cfg);
            assertTrue(cfg.contains("if [ \"$grub_cpu\" = x86_64 -o \"$grub_cpu\" = i386 ]; then"),
                    "serial --unit=0 is the PC's COM1: only on x86: " + cfg);
            assertNull(v.find("/boot/grub/x86_64-efi/grub.cfg"));
        }
        String report = xorrisoReport(out);
        assertTrue(report.contains("El Torito img path :   1  /boot/nixusb-efi.img"), report);
        assertFalse(report.contains("El Torito boot img :   2"), "the created image is the only entry: " + report);
        assertEquals(List.of(), UefiStickCheck.uefiUsbProblems(out));
        assertTrue(log.has("EFI/BOOT/BOOTAA64.EFI: GRUB from"), log.lines.toString());
    }

    @Test
    void efiArchitecturesPutsA32BitGrubBesideThe64BitOne() throws Exception {
        HostTools.require("genisoimage", "xorriso");
        Path dir = HostTools.workDir("arch-ia32");
        Path src = SourceIsos.genisoimage(dir, SourceIsos.nixosTree(dir, true), "bios.iso");
        Path out = dir.resolve("usb.iso");
        new Remaster(new RecordingLog()).run(RemasterOptions.of(src, out).withEfi("create").withSerial(true)
                .withEfiArchitectures(EfiArch.parseList("x86_64, i386")).withTimestamp(T));
        try (IsoVolume v = IsoVolume.open(out); FileChannel ch = FileChannel.open(out, StandardOpenOption.READ)) {
            IsoEntry efi = v.find("/boot/efi.img");
            FatFileSystem fat = FatFileSystem.open(ch, efi.extents().get(0).lba() * 2048, efi.size());
            assertArrayEquals(bundled("grubx64.efi"), fat.readAll(fat.find("/EFI/BOOT/BOOTX64.EFI")));
            assertArrayEquals(bundled("grubia32.efi"), fat.readAll(fat.find("/EFI/BOOT/BOOTIA32.EFI")));
            String x64 = new String(v.read(v.find("/boot/grub/x86_64-efi/grub.cfg")), StandardCharsets.UTF_8);
            String ia32 = new String(v.read(v.find("/boot/grub/i386-efi/grub.cfg")), StandardCharsets.UTF_8);
            assertEquals(x64, ia32, "both GRUBs read the same menu");
            assertTrue(x64.startsWith("# Generated by nixusb") && x64.contains("\nserial --unit=0 --speed=115200\n"),
                    "all x86: serial unguarded: " + x64);
        }
        var text = ImageInspection.text(ImageInspection.inspect(out));
        assertTrue(text.contains("boots on: PC BIOS (x86): the El Torito BIOS entry; x64 UEFI: EFI/BOOT/BOOTX64.EFI; "
                + "ia32 UEFI: EFI/BOOT/BOOTIA32.EFI"), text);
    }

    @Test
    void anUnknownOrUnbundledArchitectureIsRefused() throws Exception {
        HostTools.require("genisoimage");
        Path dir = HostTools.workDir("arch-riscv");
        Path src = SourceIsos.genisoimage(dir, SourceIsos.nixosTree(dir, true), "bios.iso");
        Path out = dir.resolve("usb.iso");
        BadInputException e = assertThrows(BadInputException.class, () -> new Remaster(new RecordingLog())
                .run(RemasterOptions.of(src, out).withEfi("create").withEfiArchitectures(List.of(EfiArch.RISCV64))));
        assertTrue(e.getMessage().contains("not for riscv64") && e.options().contains("efiArchitectures"),
                e.getMessage());
        assertFalse(Files.exists(out));
        assertThrows(IllegalArgumentException.class, () -> EfiArch.parseList("x64,sparc"));
    }

    @Test
    void anImageForX86AndArm64KeepsBothAndIsolinuxOffersOnlyX86() throws Exception {
        HostTools.require("xorriso", "mkfs.vfat", "mcopy");
        Path dir = HostTools.workDir("arch-mixed");
        Path src = source(dir, "mixed", new String[][] {{"BOOTX64.EFI", "0x8664"}, {"BOOTAA64.EFI", "0xaa64"}}, true,
                true, false);
        Path out = dir.resolve("usb.iso");
        RecordingLog log = new RecordingLog();
        RemasterResult r = new Remaster(log).run(RemasterOptions.of(src, out).withTimestamp(T));
        assertEquals(RemasterPlan.Route.CONVERT, r.route(), log.lines.toString());
        assertEquals(List.of("x86"), r.entries(), "ISOLINUX offers the x86 entry only");
        assertFalse(r.config().contains("/boot/Image"), r.config());
        assertTrue(log.has("ISOLINUX: left out 'Live (arm64)': its kernel /boot/Image is for aa64"),
                log.lines.toString());
        String report = xorrisoReport(out);
        assertTrue(report.contains("BIOS") && report.contains("UEFI"), report);
        var text = ImageInspection.text(ImageInspection.inspect(out));
        assertTrue(text.contains("boots on: PC BIOS (x86): the El Torito BIOS entry; x64 UEFI: EFI/BOOT/BOOTX64.EFI; "
                + "aa64 UEFI: EFI/BOOT/BOOTAA64.EFI"), text);
    }

    @Test
    void efiCreateForX86AndArm64OffersEachGrubItsOwnEntries() throws Exception {
        HostTools.require("xorriso", "mkfs.vfat", "mcopy", "grub-script-check");
        Path dir = HostTools.workDir("arch-mixed-create");
        // an x86 BIOS CD with an arm64 entry beside the x86 one; the loaders are for x64 and aa64
        Path src = source(dir, "mixed", new String[][] {{"BOOTX64.EFI", "0x8664"}, {"BOOTAA64.EFI", "0xaa64"}}, true,
                true, true);
        Path out = dir.resolve("usb.iso");
        RecordingLog log = new RecordingLog();
        new Remaster(log).run(RemasterOptions.of(src, out).withEfi("create").withTimestamp(T));
        assertTrue(log.has("GRUB: 'Live (arm64)' is offered by the aa64 GRUB only (its kernel is for aa64)")
                && log.has("GRUB: 'Live (x86_64)' is offered by the x64 GRUB only"), log.lines.toString());
        try (IsoVolume v = IsoVolume.open(out)) {
            String cfg = new String(v.read(v.find("/boot/grub/arm64-efi/grub.cfg")), StandardCharsets.UTF_8);
            assertEquals(cfg, new String(v.read(v.find("/boot/grub/x86_64-efi/grub.cfg")), StandardCharsets.UTF_8));
            // the default (the arm64 entry, loader.conf) is the first entry for arm64 GRUB, and x64 GRUB, which
            // does not offer it, starts its first
            assertTrue(cfg.contains("set default=0\n"), cfg);
            assertTrue(cfg.matches("(?s).*if \\[ \"\\$grub_cpu\" = arm64 \\]; then\n  menuentry 'Live \\(arm64\\)'.*"),
                    cfg);
            assertTrue(cfg.matches("(?s).*if \\[ \"\\$grub_cpu\" = x86_64 \\]; then\n  menuentry 'Live \\(x86_64\\)'.*"),
                    cfg);
        }
        // GRUB's own parser accepts it
        Path cfgFile = dir.resolve("grub.cfg");
        try (IsoVolume v = IsoVolume.open(out)) {
            Files.write(cfgFile, v.read(v.find("/boot/grub/x86_64-efi/grub.cfg")));
        }
        HostTools.run("grub-script-check", cfgFile.toString());
    }

    @Test
    void aCdWithoutALinuxMenuButWithAnEfiImageGetsAUefiStick() throws Exception {
        HostTools.require("xorriso", "mkfs.vfat", "mcopy", "sgdisk");
        Path dir = HostTools.workDir("arch-uefi-fallback");
        // a BIOS loader that is not ISOLINUX, an EFI image with an x64 loader, no menu nixusb reads (BSD-style media)
        Path src = source(dir, "bsd", new String[][] {{"BOOTX64.EFI", "0x8664"}}, false, false, true);
        String before = Sha256File.sha256(src);
        Path out = dir.resolve("usb.iso");
        RecordingLog log = new RecordingLog();
        RemasterResult r = new Remaster(log).run(RemasterOptions.of(src, out).withTimestamp(T));
        assertEquals(RemasterPlan.Route.UEFI_ONLY, r.route());
        assertEquals(before, Sha256File.sha256(src));
        assertTrue(log.has("Plan: uefi-only (its BIOS boot loader is not ISOLINUX and it has no Linux menu to make "
                + "ISOLINUX's from, but it has an El Torito EFI image: the stick boots from UEFI only); BIOS: none"),
                log.lines.toString());
        assertTrue(log.has("No BIOS path on the stick"), log.lines.toString());
        assertEquals(List.of(), UefiStickCheck.uefiUsbProblems(out));
        byte[] mbr = new byte[512];
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.READ)) {
            ch.read(java.nio.ByteBuffer.wrap(mbr), 0);
        }
        // no boot loader for a BIOS to run: boot code that says so and halts (booted by SeaBIOS in the
        // uefi-stick-from-cd-without-linux-menu IT), which lint does not take for a missing one
        assertTrue(org.nixusb.hybrid.UefiOnlyBootCode.isIn(mbr), "the UEFI-only message code");
        assertTrue(new String(mbr, 0, 440, java.nio.charset.StandardCharsets.US_ASCII).contains("This stick boots from "
                + "UEFI only"));
        assertFalse(org.nixusb.lint.ImageLint.lint(out).ids().contains("BIOS_STICK_NO_BOOT_CODE"));
        String report = xorrisoReport(out);
        assertTrue(report.matches("(?s).*El Torito boot img : +1 +BIOS .*") && report.contains("UEFI"),
                "the CD keeps both El Torito entries: " + report);
        // the gpt layout serves it too, with tables sgdisk finds nothing wrong with
        Path gpt = dir.resolve("gpt.iso");
        new Remaster(new RecordingLog()).run(RemasterOptions.of(src, gpt).withLayout(
                org.nixusb.hybrid.StickLayout.GPT).withTimestamp(T));
        // a GPT sgdisk reads from the image, without problems; it notes the active 0xEE entry (set on purpose, for
        // BIOSes that boot only an active partition) and an ESP whose size is not a multiple of 8 KiB
        List<String> problems = new java.util.ArrayList<>(org.nixusb.testing.SgdiskReport.problems(gpt));
        problems.removeIf(p -> p.startsWith("Warning: The #xEE protective partition in the MBR is marked as active")
                || p.matches("Caution: Partition # doesn't end on a #-sector boundary.*"));
        assertEquals(List.of(), problems, "a GPT sgdisk reads, without problems");
        assertEquals(List.of(), UefiStickCheck.uefiUsbProblems(gpt));
        // efi=none would leave nothing to boot from a stick: the plan has no route for it, and says why
        BadInputException none = assertThrows(BadInputException.class, () -> new Remaster(new RecordingLog()).run(
                RemasterOptions.of(src, dir.resolve("none.iso")).withEfi("none")));
        assertTrue(none.getMessage().contains("no boot entries"), none.getMessage());
    }

    @Test
    void aLoaderWhoseNameAndMachineDisagreeIsNamedAndNotCounted() throws Exception {
        HostTools.require("xorriso", "mkfs.vfat", "mcopy");
        Path dir = HostTools.workDir("arch-mismatch");
        Path src = source(dir, "mismatch", new String[][] {{"BOOTX64.EFI", "0xaa64"}}, true, false, true);
        var text = ImageInspection.text(ImageInspection.inspect(src));
        assertTrue(text.contains("loader  aa64     EFI image 1:/EFI/BOOT/BOOTX64.EFI (machine 0xaa64, but its name is "
                + "for x64: firmware of either architecture will not run it)"), text);
        assertTrue(text.matches("(?s).*uefi-cdrom +no .*"), text);
    }

    private byte[] bundled(String name) throws Exception {
        try (var in = getClass().getClassLoader().getResourceAsStream("org/nixusb/bootloaders/efi/" + name)) {
            assertNotNull(in, name + " is in the bundle");
            return in.readAllBytes();
        }
    }

    @Test
    void aCdWhoseKernelsNoPcOrUefiStartsIsWrittenAsItIsAndAMultiArchCdIsConverted() throws Exception {
        HostTools.require("xorriso");
        Path dir = HostTools.workDir("arch-foreign");
        Path ppc = SourceIsos.foreignKernelCd(dir, "ppc64el", MadeUpKernels.elfKernel(21, true, false), false);
        String before = Sha256File.sha256(ppc);
        Path out = dir.resolve("ppc64el-usb.iso");
        RecordingLog log = new RecordingLog();
        RemasterResult copy = new Remaster(log).run(RemasterOptions.of(ppc, out).withTimestamp(T));
        assertEquals(RemasterPlan.Route.COPY, copy.route());
        assertEquals(before, Sha256File.sha256(out), "the output is the source as it is");
        assertEquals(before, Sha256File.sha256(ppc), "the source is never modified");
        assertTrue(log.has("Architectures: EFI loaders: none; kernels: ppc64el (/install/vmlinux: ELF, machine 21"),
                log.lines.toString());
        assertTrue(log.has("Plan: copy (its kernels are for ppc64el (/install/vmlinux: ELF, machine 21: neither a PC "
                + "BIOS nor UEFI starts it), which neither a PC BIOS nor UEFI starts"), log.lines.toString());
        assertTrue(log.has("no PC BIOS or UEFI boot path can be added, so the output is the source as it is"),
                log.lines.toString());
        // what cannot be done is refused, naming the kernels, and nothing is written
        Path gpt = dir.resolve("ppc64el-gpt.iso");
        BadInputException e = assertThrows(BadInputException.class, () -> new Remaster(new RecordingLog()).run(
                RemasterOptions.of(ppc, gpt).withLayout(org.nixusb.hybrid.StickLayout.GPT).withTimestamp(T)));
        assertTrue(e.getMessage().contains("layout=gpt is asked for, but the source's kernels are for ppc64el")
                && e.getMessage().contains(ppc.toString()), e.getMessage());
        assertFalse(Files.exists(gpt), "no output");
        // files added keep the CD's layout; xorriso reads them back
        Path overlay = dir.resolve("overlay/etc");
        Files.createDirectories(overlay);
        Files.writeString(overlay.resolve("release.txt"), "ppc64el build 7\n");
        Path edited = dir.resolve("ppc64el-edited.iso");
        RemasterResult kept = new Remaster(new RecordingLog()).run(RemasterOptions.of(ppc, edited)
                .withImageDirectory(dir.resolve("overlay")).withTimestamp(T));
        assertEquals(RemasterPlan.Route.KEEP_LAYOUT, kept.route());
        Path back = dir.resolve("release-back.txt");
        Files.deleteIfExists(back);
        HostTools.run("xorriso", "-osirrox", "on", "-indev", edited.toString(), "-extract", "/etc/release.txt",
                back.toString());
        assertEquals("ppc64el build 7\n", Files.readString(back));
        var inspected = ImageInspection.inspect(ppc);
        String json = ImageInspection.json(inspected);
        assertTrue(json.contains("\"arch\" : \"ppc64el\"") && json.contains("\"biosPath\" : false"), json);
        String text = ImageInspection.text(inspected);
        assertTrue(text.contains("the image is for ppc64el only; a PC BIOS runs x86 code"), text);
        assertTrue(text.contains("nixusb:remaster with the defaults: Plan: copy (its kernels are for ppc64el"), text);
        assertTrue(json.contains("\"route\" : \"copy\""), json);
        Path s390 = SourceIsos.foreignKernelCd(dir, "s390x", MadeUpKernels.elfKernel(22, true, true), false);
        RecordingLog zl = new RecordingLog();
        new Remaster(zl).run(RemasterOptions.of(s390, dir.resolve("s390x-usb.iso")).withTimestamp(T));
        assertTrue(zl.has("kernels: s390x (/install/vmlinux: ELF, machine 22"), zl.lines.toString());

        // a CD with an x86 entry beside the ppc64el one is for PCs too: converted, its ISOLINUX menu offers the x86 entry
        Path multi = SourceIsos.foreignKernelCd(dir, "multi", MadeUpKernels.elfKernel(21, true, false), true);
        Path multiOut = dir.resolve("multi-usb.iso");
        RecordingLog ml = new RecordingLog();
        RemasterResult r = new Remaster(ml).run(RemasterOptions.of(multi, multiOut).withTimestamp(T).withEfi(EfiMode.NONE));
        assertEquals(RemasterPlan.Route.CONVERT, r.route());
        assertTrue(ml.has("kernels: ppc64el (/install/vmlinux: ELF, machine 21: neither a PC BIOS nor UEFI starts "
                + "it), x64 (/install/bzImage)"), ml.lines.toString());
        assertEquals(List.of("install-amd64"), r.entries(), "ISOLINUX offers the x86 entry only");
        assertTrue(ml.has("ISOLINUX: left out 'Install': its kernel /install/vmlinux is for ppc64el"),
                ml.lines.toString());
        String report = xorrisoReport(multiOut);
        assertTrue(report.matches("(?s).*El Torito boot img : +1 +BIOS .*"), report);
    }
}
