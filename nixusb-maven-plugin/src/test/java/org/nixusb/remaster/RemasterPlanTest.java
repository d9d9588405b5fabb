package org.nixusb.remaster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nixusb.BadInputException;
import org.nixusb.BuildLog;
import org.nixusb.arch.EfiArch;
import org.nixusb.hybrid.StickLayout;
import org.nixusb.remaster.RemasterPlan.Route;
import org.nixusb.testing.CheckedRemaster;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.MadeUpKernels;
import org.nixusb.testing.RecordingLog;
import org.nixusb.testing.SourceIsos;

/**
 * One decision per source and options, before anything is written: the route, the boot paths, the UEFI action, the
 * GRUB architectures and the layout, across the kinds of source (CD-only with and without an EFI image, an ISOLINUX
 * stick with and without UEFI, an arm64 CD, a floppy and a hard disk emulation CD, a ppc64el CD) and the options
 * that change them. The run follows the plan it logs.
 */
class RemasterPlanTest {
    private static RemasterPlan plan(RemasterOptions o) throws Exception {
        return new Remaster(BuildLog.SILENT).plan(o);
    }

    private static void expect(RemasterPlan p, Route route, boolean bios, EfiMode efi, StickLayout layout) {
        assertEquals(route, p.route(), p.describe());
        assertEquals(bios, p.biosPath(), p.describe());
        assertEquals(efi, p.efi(), p.describe());
        assertEquals(layout, p.layout(), p.describe());
    }

    @Test
    void eachKindOfSourceGetsItsRoute() throws Exception {
        HostTools.require("genisoimage", "xorriso", "mkfs.vfat", "mcopy");
        Path dir = HostTools.workDir("plan");
        Path cdWithEfi = SourceIsos.withEfiImage(dir.resolve("efi"), MadeUpKernels.peProgram(0x8664));
        Path biosCd = SourceIsos.genisoimage(dir, SourceIsos.nixosTree(dir.resolve("bios"), true), "bios.iso");
        Path o = dir.resolve("out.iso");

        expect(plan(RemasterOptions.of(cdWithEfi, o)), Route.CONVERT, true, EfiMode.KEEP, StickLayout.ISOHYBRID);
        expect(plan(RemasterOptions.of(cdWithEfi, o).withEfi("none")), Route.CONVERT, true, EfiMode.NONE,
                StickLayout.ISOHYBRID);
        RemasterPlan created = plan(RemasterOptions.of(biosCd, o).withLayout(StickLayout.GPT));
        expect(created, Route.CONVERT, true, EfiMode.CREATE, StickLayout.GPT);
        assertEquals(List.of(EfiArch.X64), created.grubArchitectures());
        assertEquals(List.of(EfiArch.X64, EfiArch.IA32), plan(RemasterOptions.of(biosCd, o)
                .withEfiArchitectures(List.of(EfiArch.X64, EfiArch.IA32))).grubArchitectures());

        // nixusb's own outputs as sources: a complete stick is copied, kept, or re-laid out as asked
        Path stick = dir.resolve("stick.iso");
        CheckedRemaster.run(RemasterOptions.of(cdWithEfi, stick));
        expect(plan(RemasterOptions.of(stick, o)), Route.COPY, true, EfiMode.KEEP, null);
        Path overlay = Files.createDirectories(dir.resolve("overlay"));
        Files.writeString(overlay.resolve("release.txt"), "1\n");
        expect(plan(RemasterOptions.of(stick, o).withImageDirectory(overlay)), Route.KEEP_LAYOUT, true, EfiMode.KEEP,
                null);
        RemasterPlan relaid = plan(RemasterOptions.of(stick, o).withLayout(StickLayout.MBR));
        expect(relaid, Route.KEEP_ISOLINUX, true, EfiMode.KEEP, StickLayout.MBR);
        assertTrue(relaid.alreadyUsb() && relaid.describe().contains("layout=mbr is asked for"), relaid.describe());
        BadInputException both = assertThrows(BadInputException.class, () -> plan(RemasterOptions.of(stick, o)
                .withEfi("create")));
        assertTrue(both.getMessage().contains("efi=create, but the source already has an El Torito EFI image"));

        // an ISOLINUX stick without UEFI: copied as it is (efi=keep keeps that). Whether a GRUB path can be made from
        // its ISOLINUX menu is decided by the plan, which reads the menu: these made-up kernels have no EFI stub, so
        // efi=create is refused before anything is written, and another layout plans no UEFI path, saying why
        Path biosStick = dir.resolve("bios-stick.iso");
        CheckedRemaster.run(RemasterOptions.of(biosCd, biosStick).withEfi("none"));
        expect(plan(RemasterOptions.of(biosStick, o)), Route.COPY, true, EfiMode.NONE, null);
        BadInputException noUefi = assertThrows(BadInputException.class, () -> plan(RemasterOptions.of(biosStick, o)
                .withEfi("create")));
        assertTrue(noUefi.getMessage().contains("efi=create cannot make a UEFI path: no entry of the ISOLINUX menu "
                + "/isolinux/syslinux.cfg is a Linux kernel GRUB can start from UEFI"), noUefi.getMessage());
        RemasterPlan relaidBios = plan(RemasterOptions.of(biosStick, o).withLayout(StickLayout.GPT));
        expect(relaidBios, Route.KEEP_ISOLINUX, true, EfiMode.NONE, StickLayout.GPT);
        assertTrue(relaidBios.describe().contains("; no UEFI path: no entry of the ISOLINUX menu")
                && relaidBios.reason() == RemasterPlan.Reason.BOOTS_ISOLINUX && relaidBios.isolinuxMenuForUefi() != null
                && relaidBios.isolinuxMenuForUefi().menu() == null, relaidBios.describe());
        expect(plan(RemasterOptions.of(biosStick, o).withEfi("keep")), Route.COPY, true, EfiMode.NONE, null);
        // a CD-only ISOLINUX source asked to keep an EFI image it does not have: refused
        BadInputException keep = assertThrows(BadInputException.class, () -> plan(RemasterOptions.of(biosStick, o)
                .withEfi("keep").withLayout(StickLayout.GPT)));
        assertTrue(keep.getMessage().contains("efi=keep, but the source has no El Torito EFI image"), keep.getMessage());

        // arm64: UEFI only; efi=none refused before anything is written
        Path arm = SourceIsos.forArchitectures(dir, "arm", new String[][] {{"BOOTAA64.EFI", "0xaa64"}}, false, true,
                false);
        RemasterPlan a = plan(RemasterOptions.of(arm, o));
        expect(a, Route.UEFI_ONLY, false, EfiMode.KEEP, StickLayout.ISOHYBRID);
        assertEquals(List.of(EfiArch.AA64), a.grubArchitectures());
        assertThrows(BadInputException.class, () -> plan(RemasterOptions.of(arm, o).withEfi("none")));

        // a floppy-emulation CD without a Linux menu: ISOLINUX with MEMDISK, no UEFI; a layout still applies
        Path floppy = SourceIsos.emulatedDiskCd(dir, "floppy", "NIXUSB-FLOPPY-BOOTED token=p", false, false);
        expect(plan(RemasterOptions.of(floppy, o)), Route.MEMDISK, true, EfiMode.NONE, StickLayout.ISOHYBRID);
        expect(plan(RemasterOptions.of(floppy, o).withLayout(StickLayout.GPT)), Route.MEMDISK, true, EfiMode.NONE,
                StickLayout.GPT);
        Path disk = SourceIsos.emulatedDiskCd(dir, "disk", "NIXUSB-DISK-BOOTED token=p", true, false);
        expect(plan(RemasterOptions.of(disk, o)), Route.MEMDISK, true, EfiMode.NONE, StickLayout.ISOHYBRID);
        // kernels no PC or UEFI machine starts: the CD as it is, or its own layout with files added
        Path ppc = SourceIsos.foreignKernelCd(dir, "ppc", MadeUpKernels.elfKernel(21, true, false), false);
        expect(plan(RemasterOptions.of(ppc, o)), Route.COPY, false, EfiMode.NONE, null);
        expect(plan(RemasterOptions.of(ppc, o).withKernelArgs("quiet")), Route.KEEP_LAYOUT, false, EfiMode.NONE,
                null);
        assertFalse(Files.exists(o), "planning writes nothing");
    }

    @Test
    void theRunFollowsThePlanItLogs() throws Exception {
        HostTools.require("genisoimage", "mkfs.vfat", "mcopy", "xorriso", "sgdisk");
        Path dir = HostTools.workDir("plan-logged");
        Path src = SourceIsos.withEfiImage(dir, MadeUpKernels.peProgram(0x8664));
        RemasterOptions options = RemasterOptions.of(src, dir.resolve("out.iso")).withLayout(StickLayout.GPT);
        RemasterPlan plan = new Remaster(new RecordingLog()).plan(options);
        assertEquals(RemasterPlan.Route.CONVERT, plan.route());
        assertTrue(plan.biosPath());
        assertEquals(EfiMode.KEEP, plan.efi());
        assertEquals(StickLayout.GPT, plan.layout());
        RecordingLog log = new RecordingLog();
        RemasterResult r = new Remaster(log).run(options);
        assertTrue(log.has(plan.describe()), "the run logs the plan it was given: " + log.lines);
        assertEquals(RemasterPlan.Route.CONVERT, r.route());
        // the output is what the plan says: ISOLINUX made from the menu is the BIOS entry, the source's EFI image
        // the UEFI entry, and the gpt layout's protective MBR (0xEE) with a GPT sgdisk reads
        String report = HostTools.run("xorriso", "-indev", r.output().toString(), "-report_el_torito", "plain");
        assertTrue(report.matches("(?s).*El Torito boot img : +1 +BIOS .*/isolinux/isolinux\\.bin.*"), report);
        assertTrue(report.matches("(?s).*El Torito boot img : +2 +UEFI .*"), report);
        org.junit.jupiter.api.Assertions.assertArrayEquals(
                org.nixusb.testing.IsoFiles.extract(src, "/boot/efi.img", dir.resolve("src-efi.img")),
                org.nixusb.testing.IsoFiles.extract(r.output(), "/boot/efi.img", dir.resolve("out-efi.img")),
                "the source's EFI image, kept");
        byte[] mbr = java.util.Arrays.copyOf(java.nio.file.Files.readAllBytes(r.output()), 512);
        assertEquals(0xEE, mbr[446 + 4] & 0xFF, "a protective MBR");
        assertTrue(org.nixusb.testing.SgdiskReport.problems(r.output()).stream().noneMatch(
                p -> p.startsWith("No GPT") || p.startsWith("No valid GPT")), "a GPT sgdisk reads from the image");
    }
}
