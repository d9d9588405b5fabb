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
import org.nixusb.testing.CheckedRemaster;
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
        assertEquals("unchanged", r.mode());
        assertTrue(log.has("already a USB hybrid"), log.lines.toString());
        assertArrayEquals(Files.readAllBytes(src), Files.readAllBytes(out), "nothing changed");
        assertEquals(org.nixusb.checksum.Sha256File.sha256(out), r.sha256());
        String check = HostTools.run("xorriso", "-md5", "on", "-indev", out.toString(), "-check_md5", "FAILURE", "--");
        assertTrue(check.contains("Ok, session data match recorded md5"), check);
    }

    @ParameterizedTest
    @ValueSource(strings = {"nixos", "ubuntu"})
    void askedForChangesItRemastersAndSaysTheMd5TagsNoLongerMatch(String style) throws Exception {
        HostTools.require("xorriso", "mkfs.vfat", "mcopy");
        Path dir = HostTools.workDir("already-hybrid-changed-" + style);
        Path src = source(dir, style);
        Path overlay = dir.resolve("overlay");
        Files.createDirectories(overlay);
        Files.writeString(overlay.resolve("added.txt"), "added\n");
        RecordingLog log = new RecordingLog();
        Path out = dir.resolve("out/usb.iso");
        CheckedRemaster.run(RemasterOptions.of(src, out).withImageDirectory(overlay));
        new Remaster(log).run(RemasterOptions.of(src, out).withImageDirectory(overlay));
        assertTrue(log.has("already a USB hybrid, but the image directory"), log.lines.toString());
        assertTrue(log.has("WARN The source carries xorriso MD5 checksum tags"), log.lines.toString());
        try (IsoVolume v = IsoVolume.open(out)) {
            assertEquals("added\n", new String(v.read(v.find("/added.txt")), StandardCharsets.UTF_8));
        }
    }
}
