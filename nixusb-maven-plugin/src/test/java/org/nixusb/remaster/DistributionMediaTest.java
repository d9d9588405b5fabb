package org.nixusb.remaster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nixusb.hybrid.UefiStickCheck;
import org.nixusb.hybrid.UsbHybrid;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.testing.DebianMedia;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.IsoViews;
import org.nixusb.testing.RecordingLog;

/**
 * Boot media that other projects made with their own tools, as Debian ships them: iPXE's ISO
 * (genisoimage + isohybrid: ISOLINUX, a BIOS stick, an El Torito EFI image without a partition for
 * it), GRUB's rescue image (grub-mkrescue: GRUB's hybrid MBR, BIOS only, a menu of entries whose files
 * it does not hold) and memtest86+ (xorriso: GRUB's MBR, floppy emulation, an 0xEF MBR partition over
 * the EFI image, no GPT). None may be refused; every entry must survive in every view xorriso shows;
 * the output must be a stick in BIOS, and in UEFI when the source has an EFI image, and it boots from a BIOS stick
 * (iPXE and GRUB's rescue image, with a control each).
 */
class DistributionMediaTest {
    static final Instant T = Instant.parse("2024-01-01T00:00:00Z");

    @ParameterizedTest
    @CsvSource({"ipxe, /usr/lib/ipxe/ipxe.iso, changed", "grub-rescue-pc, /usr/lib/grub-rescue/grub-rescue-cdrom.iso, "
        + "unchanged", "memtest86+, /usr/lib/memtest86+/memtest86+x64.iso, unchanged"})
    void debianShippedMediaAreNeverRefusedAndLoseNothing(String pkg, String path, String expected) throws Exception {
        HostTools.require("xorriso", "isoinfo");
        Path source = DebianMedia.file(pkg, path);
        Path dir = HostTools.workDir("distribution-" + pkg.replace("+", "plus"));
        byte[] before = Files.readAllBytes(source);
        boolean sourceEfi;
        try (IsoVolume v = IsoVolume.open(source)) {
            sourceEfi = !UefiStickCheck.uefiUsbProblems(v).contains("there is no El Torito EFI boot image");
        }
        RecordingLog log = new RecordingLog();
        Path out = dir.resolve("usb.iso");
        RemasterResult r = new Remaster(log).run(RemasterOptions.of(source, out).withTimestamp(T));

        assertArrayEquals(before, Files.readAllBytes(source), "the source must not change");
        if (expected.equals("unchanged")) {
            assertEquals(RemasterPlan.Route.COPY, r.route(), log.lines.toString());
            assertArrayEquals(before, Files.readAllBytes(out), "a source that boots from a stick is copied as it is");
        } else {
            assertFalse(r.route() == RemasterPlan.Route.COPY, log.lines.toString());
        }
        String info = HostTools.run("isoinfo", "-d", "-i", out.toString());
        assertTrue(info.contains("Volume id:"), info);
        String report = HostTools.run("xorriso", "-return_with", "SORRY", "32", "-indev", out.toString(),
                "-report_el_torito", "plain", "-report_system_area", "plain");
        assertFalse(report.contains("FAILURE") || report.contains("SORRY"), report);
        for (String view : IsoViews.VIEWS) {
            IsoViews.View was = IsoViews.read(source, view, dir.resolve("src-" + view));
            IsoViews.View now = IsoViews.read(out, view, dir.resolve("out-" + view));
            assertEquals(0, now.exit(), now.log());
            assertEquals(List.of(), IsoViews.lost(was, now, false), "view " + view);
            assertTrue(was.entries().size() > 1, "the source shows a tree in view " + view);
        }
        try (IsoVolume v = IsoVolume.open(out)) {
            UsbHybrid.Verdict usb = UsbHybrid.of(v);
            assertTrue(usb.bios(), usb.biosReason());
            assertEquals(sourceEfi, usb.uefi(), usb.uefiReason());
        }
    }

    /**
     * iPXE's ISO already holds room for a backup GPT after its volume: like {@code isohybrid -u} the
     * output keeps its size, and differs from isohybrid's only in the GUIDs and the CRCs over them.
     */
    @Test
    void aSourceWithRoomForTheBackupGptKeepsItsSizeAsIsohybridDoes() throws Exception {
        HostTools.require("isohybrid");
        Path source = DebianMedia.file("ipxe", "/usr/lib/ipxe/ipxe.iso");
        Path dir = HostTools.workDir("distribution-ipxe-isohybrid");
        Path out = dir.resolve("usb.iso");
        // without the EFI files in the tree (efiTree=false), the output is isohybrid -u's; by default the tree also
        // gets iPXE's EFI loader, which its El Torito image alone holds (a FAT32 copy needs it)
        Path withTree = dir.resolve("usb-efi-tree.iso");
        new Remaster(new RecordingLog()).run(RemasterOptions.of(source, withTree).withMbrId(0x12345678L));
        try (IsoVolume v = IsoVolume.open(withTree)) {
            assertTrue(org.nixusb.lint.FatCopyCheck.check(v).stream().noneMatch(f -> f.id().startsWith(
                    "FAT_COPY_NO_EFI")), "the default output's tree has the EFI loader");
            assertNotNull(v.findIgnoringCase("/EFI/BOOT/BOOTX64.EFI"));
        }
        new Remaster(new RecordingLog()).run(RemasterOptions.of(source, out).withMbrId(0x12345678L)
                .withEfiTree(false));
        Path ref = dir.resolve("isohybrid-u.iso");
        Files.copy(source, ref);
        HostTools.run("isohybrid", "-u", "-id", "0x12345678", ref.toString());
        byte[] a = Files.readAllBytes(out);
        byte[] b = Files.readAllBytes(ref);
        assertEquals(Files.size(source), a.length, "the source's size is kept");
        assertEquals(b.length, a.length, "isohybrid -u keeps it too");
        long total = a.length / 512;
        for (int i = 0; i < a.length; i++) {
            long sector = i / 512;
            if (a[i] != b[i]) {
                assertTrue(sector == 1 || sector == 2 || sector == total - 33 || sector == total - 1,
                        "byte " + i + " (sector " + sector + ") differs from isohybrid -u outside the GPT GUIDs");
            }
        }
    }

    /**
     * The outputs boot from a stick (an 8 GiB virtual one, software emulation), each to what only its own boot loader
     * prints on the serial console (SeaBIOS mirrors the text screen there, OVMF its console): iPXE, started by the
     * kept ISOLINUX from a BIOS stick, and from a UEFI stick through the ESP nixusb's partition tables publish (the
     * source has none: its El Torito EFI image is reached only through them, the catalog being masked); GRUB's rescue
     * image, which already boots from a stick, with a file added in its own layout (so the booted bytes are nixusb's
     * layout-keeping edit, not a byte copy). Control: the same output with its partition tables zeroed (sector 0, the
     * primary GPT and the backup) boots nothing. memtest86+ is left out: it draws straight into video memory, which
     * the serial console does not show.
     */
    @ParameterizedTest
    @CsvSource({"ipxe, /usr/lib/ipxe/ipxe.iso, BIOS_USB, iPXE initialising devices, keep-isolinux",
        "ipxe, /usr/lib/ipxe/ipxe.iso, UEFI_USB, iPXE initialising devices, keep-isolinux",
        "grub-rescue-pc, /usr/lib/grub-rescue/grub-rescue-cdrom.iso, BIOS_USB, GNU GRUB  version, keep-layout"})
    void theOutputBootsFromAStick(String pkg, String path, org.nixusb.qemu.BootMode mode, String marker, String route)
            throws Exception {
        HostTools.require("qemu-system-x86_64");
        Path source = DebianMedia.file(pkg, path);
        Path dir = HostTools.workDir("distribution-boot-" + pkg + "-" + mode.id());
        Path out = dir.resolve("usb.iso");
        RemasterOptions options = RemasterOptions.of(source, out).withTimestamp(T);
        if (route.equals("keep-layout")) {
            Path overlay = Files.createDirectories(dir.resolve("overlay"));
            Files.writeString(overlay.resolve("added-by-nixusb.txt"), "a file the stick carries\n");
            options = options.withImageDirectory(overlay);
        }
        RemasterResult result = new Remaster(new RecordingLog()).run(options);
        assertEquals(route, result.routeId());
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(source), Files.readAllBytes(out)),
                "the booted image is not the source's bytes");
        org.nixusb.qemu.BootResult r = boot(out, mode, marker, dir.resolve("boot.log"));
        assertTrue(r.passed(), pkg + " " + mode.id() + ": " + r.reason());

        Path blank = dir.resolve("no-tables.iso");
        Files.copy(out, blank);
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(blank.toFile(), "rw")) {
            f.write(new byte[64 * 512]);
            f.seek(f.length() - 33 * 512);
            f.write(new byte[33 * 512]);
        }
        org.nixusb.qemu.BootResult control = boot(blank, mode, marker, dir.resolve("control.log"));
        assertFalse(control.passed(), "without its partition tables the stick must not boot: " + control.reason());
    }

    private static org.nixusb.qemu.BootResult boot(Path image, org.nixusb.qemu.BootMode mode, String marker, Path log)
            throws Exception {
        return new org.nixusb.qemu.QemuBoot(org.nixusb.BuildLog.SILENT).boot(org.nixusb.qemu.QemuBoot.Settings
                .builder(image, mode, log).expect(java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(
                        marker))).timeout(java.time.Duration.ofSeconds(180)).memoryMiB(256)
                .accelerator(org.nixusb.qemu.Accelerator.TCG).build());
    }
}
