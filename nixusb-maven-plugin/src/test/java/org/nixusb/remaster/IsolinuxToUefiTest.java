package org.nixusb.remaster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nixusb.BadInputException;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.RecordingLog;
import org.nixusb.testing.SourceIsos;

/**
 * A BIOS-only ISOLINUX CD gets a UEFI path from its ISOLINUX menu: with the defaults, a GRUB EFI image whose
 * grub.cfg has the Linux labels (title, kernel, initrds out of APPEND, the rest of APPEND), an El Torito UEFI entry
 * after the kept BIOS entry, and the ISOLINUX files as they were; labels without a UEFI equivalent and kernels
 * without UEFI support are left out and said. Read back by xorriso and mtools; GRUB's own grub-script-check accepts
 * the config. Controls: a menu whose only kernel cannot start from UEFI gives no UEFI path with the defaults and is
 * refused with efi=create.
 */
class IsolinuxToUefiTest {

    private static Path source(Path dir, byte[] kernelHead) throws Exception {
        HostTools.require("xorriso");
        Path tree = SourceIsos.nixosTree(dir, false);
        byte[] kernel = new byte[64 * 1024];
        System.arraycopy(kernelHead, 0, kernel, 0, kernelHead.length);
        Files.write(tree.resolve("boot/bzImage"), kernel);
        Files.createDirectories(tree.resolve("isolinux"));
        Files.copy(Path.of("/usr/lib/ISOLINUX/isolinux.bin"), tree.resolve("isolinux/isolinux.bin"));
        Files.copy(Path.of("/usr/lib/syslinux/modules/bios/ldlinux.c32"), tree.resolve("isolinux/ldlinux.c32"));
        Files.writeString(tree.resolve("isolinux/isolinux.cfg"), "INCLUDE menu.cfg\nDEFAULT debug\nTIMEOUT 30\n");
        Files.writeString(tree.resolve("isolinux/menu.cfg"), String.join("\n",
                "LABEL live", "  MENU LABEL ^Live system", "  KERNEL ../boot/bzImage",
                "  APPEND initrd=/boot/initrd,/boot/initrd-extra root=LABEL=NIXOS_ISO quiet",
                "LABEL debug", "  MENU LABEL Live (debug)", "  LINUX /boot/bzImage", "  INITRD /boot/initrd",
                "  APPEND root=LABEL=NIXOS_ISO debug", "LABEL hdt", "  COM32 hdt.c32", "LABEL local", "  LOCALBOOT 0",
                ""));
        SourceIsos.touchAll(tree);
        Path iso = dir.resolve("cd.iso");
        HostTools.run("xorriso", "-as", "mkisofs", "-quiet", "-o", iso.toString(), "-V", "NIXOS_ISO", "-R", "-J",
                "-b", "isolinux/isolinux.bin", "-c", "isolinux/boot.cat", "-no-emul-boot", "-boot-load-size", "4",
                "-boot-info-table", tree.toString());
        return iso;
    }

    @Test
    void theIsolinuxMenuBecomesAGrubEfiPathAndIsolinuxStaysAsItWas() throws Exception {
        HostTools.require("xorriso", "mtype", "grub-script-check");
        Path dir = HostTools.workDir("isolinux-to-uefi");
        Path src = source(dir, org.nixusb.testing.MadeUpKernels.bzImage(0x20f, 1 << 3));
        RecordingLog log = new RecordingLog();
        Path out = dir.resolve("usb.iso");
        new Remaster(log).run(RemasterOptions.of(src, out));
        assertTrue(log.has("UEFI: created ") && log.has("from the ISOLINUX menu: Live system, Live (debug)"),
                log.lines.toString());
        assertTrue(log.has("UEFI: left out 'hdt' (label hdt): hdt.c32 is a com32, which runs in BIOS only"));
        assertTrue(log.has("UEFI: left out 'local' (label local): LOCALBOOT boots the next device"));

        String report = HostTools.run("xorriso", "-indev", out.toString(), "-report_el_torito", "plain");
        assertTrue(report.matches("(?s).*El Torito boot img :\\s+1\\s+BIOS\\s+y\\s+none.*") && report.matches(
                "(?s).*El Torito boot img :\\s+2\\s+UEFI\\s+y\\s+none.*"), report);
        String srcReport = HostTools.run("xorriso", "-indev", src.toString(), "-report_el_torito", "plain");
        assertEquals(line(srcReport, "El Torito boot img :   1"), line(report, "El Torito boot img :   1"),
                "the BIOS entry is the source's: same media, load size and block");
        for (String f : List.of("/isolinux/isolinux.cfg", "/isolinux/menu.cfg", "/isolinux/isolinux.bin")) {
            assertEquals(org.nixusb.testing.IsoFiles.extractText(src, f, dir.resolve("a")), org.nixusb.testing.IsoFiles.extractText(out, f, dir.resolve("b")), f + " is the source's");
        }
        Path efi = dir.resolve("efi.img");
        String efiPath = report.replaceAll("(?s).*El Torito img path :\\s+2\\s+(\\S+).*", "$1");
        org.nixusb.testing.IsoFiles.extractText(out, efiPath, efi);
        String cfg = HostTools.run("mtype", "-i", efi.toString(), "::/EFI/BOOT/grub.cfg");
        assertTrue(cfg.contains("set default=1") && cfg.contains("set timeout=3"), cfg);
        assertTrue(cfg.contains("menuentry 'Live system'") && cfg.contains(
                "linux /boot/bzImage root=LABEL=NIXOS_ISO quiet\n  initrd /boot/initrd /boot/initrd-extra"), cfg);
        assertTrue(!cfg.contains("initrd=") && !cfg.contains("hdt"), cfg);
        Path c = dir.resolve("grub.cfg");
        Files.writeString(c, cfg);
        HostTools.run("grub-script-check", c.toString()); // GRUB's own parser accepts it
    }

    @Test
    void kernelsWithoutUefiSupportGiveNoUefiPath() throws Exception {
        Path dir = HostTools.workDir("isolinux-to-uefi-old-kernel");
        Path src = source(dir, org.nixusb.testing.MadeUpKernels.bzImage(0x20a, 0));
        RecordingLog log = new RecordingLog();
        new Remaster(log).run(RemasterOptions.of(src, dir.resolve("auto.iso")));
        assertTrue(log.has("UEFI: left out 'Live system': its kernel /boot/bzImage cannot start from UEFI: it has "
                + "neither an EFI stub nor the 64-bit EFI handover entry (boot protocol 2.10)"), log.lines.toString());
        assertTrue(log.has("UEFI: none (BIOS-only isohybrid; no entry of the ISOLINUX menu /isolinux/isolinux.cfg is a "
                + "Linux kernel GRUB can start from UEFI)"), log.lines.toString());
        BadInputException e = assertThrows(BadInputException.class, () -> new Remaster(new RecordingLog()).run(
                RemasterOptions.of(src, dir.resolve("create.iso")).withEfi("create")));
        assertTrue(e.getMessage().contains("efi=create cannot make a UEFI path") && e.options().contains("efi"),
                e.getMessage());
        assertTrue(!Files.exists(dir.resolve("create.iso")));
    }

    private static String line(String report, String start) {
        return report.lines().filter(l -> l.startsWith(start)).findFirst().orElse("");
    }
}
