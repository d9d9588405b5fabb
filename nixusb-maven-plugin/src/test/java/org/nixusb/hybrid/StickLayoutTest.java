package org.nixusb.hybrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.nixusb.lint.ImageLint;
import org.nixusb.remaster.RemasterOptions;
import org.nixusb.remaster.RemasterResult;
import org.nixusb.testing.CheckedRemaster;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.SgdiskReport;
import org.nixusb.testing.SourceIsos;

/**
 * The stick layouts, read back by independent tools: {@code gpt} is a protective MBR (active) and a GPT whose
 * partitions overlap nothing (sgdisk -v finds no problem beyond the active flag it asked for; lint finds nothing),
 * typing the EFI image as the ESP; {@code mbr} is isohybrid's MBR without any GPT (fdisk reads it, lint finds the
 * nesting only); both keep the BIOS boot pointer and the UEFI path; the layout is reproducible.
 */
class StickLayoutTest {
    private static Path source(Path dir) throws Exception {
        return SourceIsos.withEfiImage(dir, org.nixusb.testing.MadeUpKernels.peProgram(0x8664));
    }

    @Test
    void gptHasNoOverlapsAndTypesTheEsp() throws Exception {
        HostTools.require("genisoimage", "sgdisk", "mkfs.vfat", "mcopy");
        Path dir = HostTools.workDir("layout-gpt");
        Path src = source(dir);
        Path out = dir.resolve("gpt.iso");
        RemasterResult r = CheckedRemaster.run(RemasterOptions.of(src, out).withLayout(StickLayout.GPT));
        List<String> sgdisk = SgdiskReport.problems(out);
        assertEquals(1, sgdisk.size(), "sgdisk: only the active flag the layout sets on purpose: " + sgdisk);
        assertTrue(sgdisk.get(0).contains("protective partition in the MBR is marked as active"), sgdisk.get(0));
        String p = HostTools.run("sgdisk", "-p", out.toString());
        assertTrue(p.matches("(?s).*\\n +1 +64 +\\d+ .* 0700 +ISO9660\\n +2 +\\d+ +\\d+ .* EF00 +EFI System\\n +3 +\\d+ "
                + "+\\d+ .* 0700 +ISO9660.*"), p);
        assertEquals(List.of(), ImageLint.lint(out).ids(), ImageLint.lint(out).text());
        assertEquals(List.of(), UefiStickCheck.uefiUsbProblems(out), "the ESP in the GPT behind a protective MBR");
        try (var v = org.nixusb.iso9660.IsoVolume.open(out)) {
            PartitionTable t = PartitionTable.read(v.image());
            assertEquals(r.bootFileLba() * 4, t.isohybridBootSector(), "the BIOS boot code loads isolinux.bin");
            assertTrue(t.hasBootCode());
        }
        // reproducible
        Path again = dir.resolve("again.iso");
        CheckedRemaster.run(RemasterOptions.of(src, again).withLayout(StickLayout.GPT));
        assertEquals(-1L, Files.mismatch(out, again));
    }

    @Test
    void mbrHasNoGpt() throws Exception {
        HostTools.require("genisoimage", "fdisk", "mkfs.vfat", "mcopy");
        Path dir = HostTools.workDir("layout-mbr");
        Path src = source(dir);
        Path out = dir.resolve("mbr.iso");
        CheckedRemaster.run(RemasterOptions.of(src, out).withLayout(StickLayout.MBR));
        String f = HostTools.run("fdisk", "-l", out.toString());
        assertTrue(f.contains("Disklabel type: dos") && f.matches("(?s).*mbr\\.iso2 +\\d+ +\\d+ +\\d+ +\\S+ +ef EFI.*"), f);
        assertEquals(Set.of("PARTITIONS_OVERLAP"), new TreeSet<>(ImageLint.lint(out).ids()));
        byte[] head = new byte[34 * 512];
        try (var in = Files.newInputStream(out)) {
            in.readNBytes(head, 0, head.length);
        }
        for (int i = 512; i < head.length; i++) {
            assertEquals(0, head[i], "no GPT: sectors 1-33 are zeros (byte " + i + ")");
        }
        assertEquals(List.of(), UefiStickCheck.uefiUsbProblems(out), "the 0xEF slot");
    }

    @Test
    void anAlreadyHybridSourceAskedForAnotherLayoutGetsIt() throws Exception {
        HostTools.require("genisoimage", "sgdisk", "mkfs.vfat", "mcopy");
        Path dir = HostTools.workDir("layout-from-isohybrid");
        Path hybrid = dir.resolve("isohybrid.iso");
        CheckedRemaster.run(RemasterOptions.of(source(dir), hybrid));
        Path out = dir.resolve("gpt.iso");
        RemasterResult r = CheckedRemaster.run(RemasterOptions.of(hybrid, out).withLayout(StickLayout.GPT));
        assertTrue(r.route() != org.nixusb.remaster.RemasterPlan.Route.COPY, r.routeId());
        assertEquals(List.of(), ImageLint.lint(out).ids(), ImageLint.lint(out).text());
        Path mbr = dir.resolve("mbr.iso");
        CheckedRemaster.run(RemasterOptions.of(hybrid, mbr).withLayout(StickLayout.MBR));
        assertTrue(new TreeSet<>(ImageLint.lint(mbr).ids()).equals(Set.of("PARTITIONS_OVERLAP")),
                "the source's GPT is gone: " + ImageLint.lint(mbr).text());
        assertThrows(IllegalArgumentException.class, () -> StickLayout.parse("apm"));
    }

    /** An image xorriso made the way Debian's are (isohybrid MBR, nested GPT, MD5 tags), re-laid out. */
    @Test
    void aHybridXorrisoMadeGetsEachLayoutCleanly() throws Exception {
        HostTools.require("xorriso", "sgdisk", "mkfs.vfat", "mcopy");
        Path dir = HostTools.workDir("layout-from-xorriso");
        Path tree = SourceIsos.nixosTree(dir, true);
        Files.createDirectories(tree.resolve("isolinux"));
        Files.copy(Path.of("/usr/lib/ISOLINUX/isolinux.bin"), tree.resolve("isolinux/isolinux.bin"));
        Files.writeString(tree.resolve("isolinux/isolinux.cfg"), "DEFAULT live\nLABEL live\n  KERNEL /boot/bzImage\n");
        Path loader = dir.resolve("BOOTX64.EFI");
        Files.write(loader, org.nixusb.testing.MadeUpKernels.peProgram(0x8664));
        SourceIsos.efiImage(tree.resolve("boot"), "efi.img", new String[][] {{"/EFI/BOOT/BOOTX64.EFI",
            loader.toString()}});
        SourceIsos.touchAll(tree);
        Path src = dir.resolve("debian-like.iso");
        HostTools.run("xorriso", "-as", "mkisofs", "-quiet", "-R", "-J", "-V", "NIXOS_ISO", "-isohybrid-mbr",
                "/usr/lib/ISOLINUX/isohdpfx.bin", "-c", "isolinux/boot.cat", "-b", "isolinux/isolinux.bin",
                "-no-emul-boot", "-boot-load-size", "4", "-boot-info-table", "-eltorito-alt-boot", "-e",
                "boot/efi.img", "-no-emul-boot", "-isohybrid-gpt-basdat", "--md5", "-o", src.toString(),
                tree.toString());
        assertTrue(ImageLint.lint(src).ids().contains("PARTITIONS_OVERLAP"), "the source is nested");
        Path gpt = dir.resolve("gpt.iso");
        CheckedRemaster.run(RemasterOptions.of(src, gpt).withLayout(StickLayout.GPT));
        assertEquals(List.of(), ImageLint.lint(gpt).ids(), ImageLint.lint(gpt).text());
        List<String> sgdisk = SgdiskReport.problems(gpt);
        assertTrue(sgdisk.size() == 1 && sgdisk.get(0).contains("marked as active"), sgdisk.toString());
        String report = HostTools.run("xorriso", "-indev", gpt.toString(), "-report_el_torito", "plain");
        assertTrue(report.contains("BIOS") && report.contains("UEFI"), "both El Torito entries kept: " + report);
        Path mbr = dir.resolve("mbr.iso");
        CheckedRemaster.run(RemasterOptions.of(src, mbr).withLayout(StickLayout.MBR));
        assertEquals(Set.of("PARTITIONS_OVERLAP"), new TreeSet<>(ImageLint.lint(mbr).ids()),
                ImageLint.lint(mbr).text());
        // appended, from this Debian-like hybrid and from an Ubuntu-like one that already has a session at
        // block 32 and an appended ESP (xorriso -partition_offset 16 -append_partition ... -appended_part_as_gpt)
        Path ubuntu = dir.resolve("ubuntu-like.iso");
        HostTools.run("xorriso", "-as", "mkisofs", "-quiet", "-R", "-J", "-V", "NIXOS_ISO", "-partition_offset", "16",
                "-isohybrid-mbr", "/usr/lib/ISOLINUX/isohdpfx.bin", "-c", "isolinux/boot.cat", "-b",
                "isolinux/isolinux.bin", "-no-emul-boot", "-boot-load-size", "4", "-boot-info-table",
                "-append_partition", "2", "0xef", tree.resolve("boot/efi.img").toString(), "-appended_part_as_gpt",
                "-eltorito-alt-boot", "-e", "--interval:appended_partition_2:all::", "-no-emul-boot", "-o",
                ubuntu.toString(), tree.toString());
        for (Path source : List.of(src, ubuntu)) {
            Path appended = dir.resolve("appended-" + source.getFileName());
            CheckedRemaster.run(RemasterOptions.of(source, appended).withLayout(StickLayout.APPENDED));
            assertEquals(List.of(), ImageLint.lint(appended).ids(), ImageLint.lint(appended).text());
            assertEquals(List.of(), SgdiskReport.problems(appended), source.getFileName().toString());
            String info = HostTools.run("sgdisk", "-i", "1", appended.toString());
            java.util.regex.Matcher last = java.util.regex.Pattern.compile("Last sector: (\\d+)").matcher(info);
            assertTrue(info.contains("First sector: 64 ") && last.find(), info);
            Path part = dir.resolve("partition-1-" + source.getFileName());
            org.nixusb.testing.AppendedCheck.cut(appended, 64 * 512, (Long.parseLong(last.group(1)) + 1) * 512, part);
            assertTrue(HostTools.run("isoinfo", "-R", "-f", "-i", part.toString()).contains("/isolinux/isolinux.cfg"),
                    source.getFileName() + ": partition 1 is an ISO 9660 file system with the image's tree");
            String entries = HostTools.run("xorriso", "-indev", appended.toString(), "-report_el_torito", "plain");
            assertTrue(entries.contains("BIOS") && entries.contains("UEFI"), "both El Torito entries kept: " + entries);
        }
    }
}
