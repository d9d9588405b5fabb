package org.nixusb.remaster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nixusb.hybrid.UsbHybrid;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.RecordingLog;
import org.nixusb.testing.SourceIsos;

/**
 * Sources that already boot from a USB stick, as modern distributions ship them, built here by xorriso:
 * NixOS-style (ISOLINUX, isohybrid MBR, GPT over the EFI image, MD5 tags) and Ubuntu-style (GRUB's
 * hybrid MBR, partition offset 16, an EFI partition appended after the volume, GPT). With the defaults
 * the output is the source byte for byte and xorriso's MD5 check still passes; asked for changes, the
 * remaster warns that the MD5 tags no longer match.
 */
class AlreadyHybridTest {
    private static Path source(Path dir, String style) throws Exception {
        Path tree = SourceIsos.nixosTree(dir, true);
        Path payload = dir.resolve("BOOTX64.EFI");
        Files.write(payload, "stand-in EFI program".getBytes(StandardCharsets.US_ASCII));
        Path esp = SourceIsos.efiImage(dir, "esp.img", new String[][] {{"/EFI/BOOT/BOOTX64.EFI", payload.toString()}});
        Path iso = dir.resolve(style + ".iso");
        List<String> cmd = HostTools.list("xorriso", "-as", "mkisofs", "-quiet", "-o", iso.toString(), "-V", "NIXOS_ISO",
                "-R", "-J");
        if (style.equals("nixos")) {
            Files.createDirectories(tree.resolve("isolinux"));
            Files.copy(Path.of("/usr/lib/ISOLINUX/isolinux.bin"), tree.resolve("isolinux/isolinux.bin"));
            Files.copy(Path.of("/usr/lib/syslinux/modules/bios/ldlinux.c32"), tree.resolve("isolinux/ldlinux.c32"));
            Files.writeString(tree.resolve("isolinux/isolinux.cfg"), "DEFAULT live\nLABEL live\n  LINUX /boot/bzImage\n");
            Files.copy(esp, tree.resolve("boot/efi.img"));
            SourceIsos.touchAll(tree);
            cmd.addAll(List.of("-isohybrid-mbr", "/usr/lib/ISOLINUX/isohdpfx.bin", "-b", "isolinux/isolinux.bin",
                    "-c", "isolinux/boot.cat", "-no-emul-boot", "-boot-load-size", "4", "-boot-info-table",
                    "-eltorito-alt-boot", "-e", "boot/efi.img", "-no-emul-boot", "-isohybrid-gpt-basdat", "--md5"));
        } else {
            SourceIsos.touchAll(tree);
            cmd.addAll(List.of("--grub2-mbr", "/usr/lib/grub/i386-pc/boot_hybrid.img", "-partition_offset", "16",
                    "-append_partition", "2", "0xef", esp.toString(), "-appended_part_as_gpt", "-c", "boot.catalog",
                    "-b", "boot/dummy-boot.img", "-no-emul-boot", "-boot-load-size", "4", "-boot-info-table",
                    "-eltorito-alt-boot", "-e", "--interval:appended_partition_2:all::", "-no-emul-boot", "--md5"));
        }
        cmd.add(tree.toString());
        HostTools.run(cmd.toArray(new String[0]));
        return iso;
    }

    @ParameterizedTest
    @ValueSource(strings = {"nixos", "ubuntu"})
    void aUsbHybridSourceIsCopiedUnchangedAndItsMd5TagsStayValid(String style) throws Exception {
        HostTools.require("xorriso", "mkfs.vfat", "mcopy");
        Path dir = HostTools.workDir("already-hybrid-" + style);
        Path src = source(dir, style);
        HostTools.run("xorriso", "-md5", "on", "-indev", src.toString(), "-check_md5", "FAILURE", "--");
        try (IsoVolume v = IsoVolume.open(src)) {
            UsbHybrid.Verdict verdict = UsbHybrid.of(v);
            assertTrue(verdict.bios(), verdict.biosReason());
            assertTrue(verdict.uefi(), verdict.uefiReason());
            assertFalse(UsbHybrid.md5Tags(v).isEmpty(), "xorriso --md5 wrote tags");
        }
        RecordingLog log = new RecordingLog();
        Path out = dir.resolve("out/usb.iso");
        RemasterResult r = new Remaster(log).run(RemasterOptions.of(src, out).withSha256(true));
        assertEquals(RemasterPlan.Route.COPY, r.route());
        assertTrue(log.has("already a USB hybrid"), log.lines.toString());
        assertArrayEquals(Files.readAllBytes(src), Files.readAllBytes(out), "nothing changed");
        assertEquals(org.nixusb.checksum.Sha256File.sha256(out), r.sha256());
        String check = HostTools.run("xorriso", "-md5", "on", "-indev", out.toString(), "-check_md5", "FAILURE", "--");
        assertTrue(check.contains("Ok, session data match recorded md5"), check);
    }

    /** What xorriso says about the layout, without where things lie: it must be the same before and after. */
    private static List<String> layoutDecisions(Path iso) throws Exception {
        String report = HostTools.run("xorriso", "-indev", iso.toString(), "-report_system_area", "plain");
        List<String> out = new java.util.ArrayList<>();
        for (String line : report.split("\n")) {
            if (line.startsWith("System area summary") || line.startsWith("Partition offset")
                    || line.startsWith("GPT type GUID") || line.startsWith("GPT partition GUID")
                    || line.startsWith("GPT partname local") || line.startsWith("GPT partition flags")
                    || line.startsWith("GPT disk GUID") || line.startsWith("MBR heads per cyl")
                    || line.startsWith("MBR secs per head")) {
                out.add(line);
            } else if (line.startsWith("MBR partition      :")) {
                String[] f = line.substring(line.indexOf(':') + 1).trim().split("\\s+");
                out.add("MBR partition " + f[0] + " status " + f[1] + " type " + f[2]);
            }
        }
        return out;
    }

    /** xorriso's "GPT start and size" (or "MBR partition") lines as slot to {start, size} in sectors. */
    private static java.util.Map<Integer, long[]> gptPlaces(Path iso) throws Exception {
        String report = HostTools.run("xorriso", "-indev", iso.toString(), "-report_system_area", "plain");
        java.util.Map<Integer, long[]> out = new java.util.TreeMap<>();
        for (String line : report.split("\n")) {
            if (line.startsWith("GPT start and size :")) {
                String[] f = line.substring(line.indexOf(':') + 1).trim().split("\\s+");
                out.put(Integer.parseInt(f[0]), new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            }
        }
        return out;
    }

    private static byte[] slice(Path iso, long sector, long sectors) throws Exception {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(iso)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate((int) (sectors * 512));
            while (b.hasRemaining() && ch.read(b, sector * 512 + b.position()) > 0) {
                // read on
            }
            return b.array();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nixos", "ubuntu"})
    void askedForFilesItKeepsTheSourceLayoutAndItsMd5TagsMatch(String style) throws Exception {
        HostTools.require("xorriso", "mkfs.vfat", "mcopy", "sgdisk");
        Path dir = HostTools.workDir("already-hybrid-changed-" + style);
        Path src = source(dir, style);
        Path overlay = dir.resolve("overlay");
        Files.createDirectories(overlay.resolve("extra/deeper"));
        Files.writeString(overlay.resolve("added.txt"), "added\n");
        Files.writeString(overlay.resolve("extra/deeper/more.txt"), "more\n");
        Files.writeString(overlay.resolve("secret-token"), "replaced token\n");
        RecordingLog log = new RecordingLog();
        Path out = dir.resolve("out/usb.iso");
        RemasterResult r = new Remaster(log).run(RemasterOptions.of(src, out).withImageDirectory(overlay)
                .withSha256(true));
        assertEquals(RemasterPlan.Route.KEEP_LAYOUT, r.route(), log.lines.toString());
        assertEquals(org.nixusb.checksum.Sha256File.sha256(out), r.sha256(), "the hash is of the final bytes");
        assertTrue(log.has("already a USB hybrid, but the image directory"), log.lines.toString());
        assertFalse(log.lines.stream().anyMatch(l -> l.startsWith("WARN")), log.lines.toString());

        // every decision of the source's maker stays: types, GUIDs, names, flags, offsets, MBR boot code
        assertEquals(layoutDecisions(src), layoutDecisions(out));
        assertArrayEquals(slice(src, 0, 1)[0] == 0 ? new byte[0] : java.util.Arrays.copyOf(slice(src, 0, 1), 432),
                slice(src, 0, 1)[0] == 0 ? new byte[0] : java.util.Arrays.copyOf(slice(out, 0, 1), 432),
                "the MBR boot code is the source's");
        assertEquals(List.of(), org.nixusb.testing.SgdiskReport.added(src, out),
                "sgdisk finds problems in the output its source did not have");
        // the EFI partition's bytes are the source's, wherever it lies now
        java.util.Map<Integer, long[]> before = gptPlaces(src);
        java.util.Map<Integer, long[]> after = gptPlaces(out);
        assertEquals(before.keySet(), after.keySet());
        for (Integer slot : before.keySet()) {
            if (before.get(slot)[0] > 64) { // not the partition over the whole volume
                assertEquals(before.get(slot)[1], after.get(slot)[1], "partition " + slot + " keeps its size");
                assertArrayEquals(slice(src, before.get(slot)[0], before.get(slot)[1]),
                        slice(out, after.get(slot)[0], after.get(slot)[1]), "partition " + slot + " keeps its bytes");
            }
        }
        // nothing of the source is lost, in any view, and the added files are there
        for (String view : org.nixusb.testing.IsoViews.VIEWS) {
            org.nixusb.testing.IsoViews.View a = org.nixusb.testing.IsoViews.read(src, view, dir.resolve("src-" + view));
            org.nixusb.testing.IsoViews.View b = org.nixusb.testing.IsoViews.read(out, view, dir.resolve("out-" + view));
            java.util.List<String> lost = org.nixusb.testing.IsoViews.lost(a, b, true);
            // replaced on purpose; the catalog follows the EFI partition when it moves
            lost.removeIf(l -> (l.toLowerCase().contains("secret")
                    || l.toLowerCase().matches("/boot\\.cat(alog)?[:;].*"))
                    && l.contains("became"));
            assertEquals(List.of(), lost, view);
        }
        String extracted = HostTools.run("xorriso", "-osirrox", "on", "-indev", out.toString(), "-extract",
                "/extra/deeper/more.txt", dir.resolve("more.txt").toString(), "-extract", "/secret-token",
                dir.resolve("token.txt").toString());
        assertEquals("more\n", Files.readString(dir.resolve("more.txt")), extracted);
        assertEquals("replaced token\n", Files.readString(dir.resolve("token.txt")));

        // xorriso's MD5 checks pass: the session, every file with a recorded MD5, the tags over the whole session
        String check = HostTools.run("xorriso", "-md5", "on", "-indev", out.toString(), "-check_md5", "FAILURE", "--");
        assertTrue(check.contains("Ok, session data match recorded md5"), check);
        String files = HostTools.run("xorriso", "-md5", "on", "-indev", out.toString(), "-check_md5_r", "FAILURE", "/",
                "--");
        assertTrue(files.contains("File contents and their MD5 checksums match"), files);
        String media = HostTools.run("xorriso", "-md5", "on", "-indev", out.toString(), "-check_media", "--");
        assertTrue(media.contains("md5_match") && !media.contains("md5_mismatch"), media);
        // ... and they do cover the added data: one changed byte in it is a mismatch
        Path damaged = dir.resolve("damaged.iso");
        Files.copy(out, damaged);
        long added;
        try (IsoVolume v = IsoVolume.open(damaged)) {
            added = v.find("/extra/deeper/more.txt").extents().get(0).lba() * 2048;
        }
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(damaged,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {'M'}), added);
        }
        String bad = HostTools.runAllowingFailure("xorriso", "-md5", "on", "-indev", damaged.toString(),
                "-check_media", "--");
        assertTrue(bad.contains("md5_mismatch"), bad);

        if (style.equals("ubuntu")) {
            // the partition that holds the second session (xorriso -partition_offset) shows the added files too
            long[] p1 = after.get(1);
            Path part = dir.resolve("partition1.iso");
            Files.write(part, slice(out, p1[0], p1[1]));
            String listing = HostTools.run("xorriso", "-osirrox", "on", "-indev", part.toString(), "-extract",
                    "/secret-token", dir.resolve("p1-token.txt").toString(), "-find", "/extra");
            assertEquals("replaced token\n", Files.readString(dir.resolve("p1-token.txt")), listing);
            assertTrue(listing.contains("/extra/deeper/more.txt"), listing);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nixos", "ubuntu"})
    void anIsomd5sumImplantKeepsTheLayoutAndRemovesTheTagsItWouldFightWith(String style) throws Exception {
        HostTools.require("xorriso", "mkfs.vfat", "mcopy", "checkisomd5");
        Path dir = HostTools.workDir("already-hybrid-implant-" + style);
        Path src = source(dir, style);
        RecordingLog log = new RecordingLog();
        Path out = dir.resolve("out/usb.iso");
        RemasterResult r = new Remaster(log).run(RemasterOptions.of(src, out).withImplantMd5(true));
        assertEquals(RemasterPlan.Route.KEEP_LAYOUT, r.route(), log.lines.toString());
        assertEquals(layoutDecisions(src), layoutDecisions(out));
        assertTrue(log.has("are removed: the isomd5sum checksum implanted instead covers them"), log.lines.toString());
        try (org.nixusb.iso9660.ImageFile f = org.nixusb.iso9660.ImageFile.open(out)) {
            assertEquals(List.of(), org.nixusb.checksum.XorrisoMd5Tags.find(f), "no stale tag is left");
        }
        HostTools.run("checkisomd5", out.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"nixos", "ubuntu"})
    void askedForAnotherBootLayoutItRemastersAndSaysTheMd5TagsNoLongerMatch(String style) throws Exception {
        HostTools.require("xorriso", "mkfs.vfat", "mcopy");
        Path dir = HostTools.workDir("already-hybrid-relayout-" + style);
        Path src = source(dir, style);
        RecordingLog log = new RecordingLog();
        Path out = dir.resolve("out/usb.iso");
        new Remaster(log).run(RemasterOptions.of(src, out).withEfi("none"));
        assertTrue(log.has("already a USB hybrid, but efi=none is asked for: remastering with nixusb's own"),
                log.lines.toString());
        assertTrue(log.has("WARN The source carries xorriso MD5 checksum tags"), log.lines.toString());
    }
}
