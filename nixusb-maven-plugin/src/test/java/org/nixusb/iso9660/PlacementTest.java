package org.nixusb.iso9660;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nixusb.BadInputException;
import org.nixusb.BuildLog;
import org.nixusb.iso9660.IsoEntry;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.remaster.Remaster;
import org.nixusb.remaster.RemasterOptions;
import org.nixusb.remaster.RemasterResult;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.RecordingLog;
import org.nixusb.testing.SourceIsos;

/**
 * Where the remaster puts what it adds when the preferred places are taken, and how it compares names
 * in an image without Rock Ridge. Each output is read back by nixusb's reader and by isoinfo's plain
 * ISO 9660 listing.
 */
class PlacementTest {
    static final Instant T = Instant.parse("2024-01-01T00:00:00Z");

    private static Path tree(Path dir, String kernelDir, String... files) throws Exception {
        Path t = dir.resolve("tree");
        SourceIsos.write(t.resolve(kernelDir + "/bzImage"), new byte[10_000]);
        SourceIsos.write(t.resolve(kernelDir + "/initrd"), new byte[3_000]);
        SourceIsos.write(t.resolve("loader/entries/live.conf"), ("title Live\nlinux /" + kernelDir + "/bzImage\ninitrd /"
                + kernelDir + "/initrd\n").getBytes(StandardCharsets.UTF_8));
        SourceIsos.write(t.resolve("eltorito/boot.img"), new byte[2048]);
        for (String f : files) {
            SourceIsos.write(t.resolve(f), ("the source's own " + f + "\n").getBytes(StandardCharsets.UTF_8));
        }
        SourceIsos.touchAll(t);
        return t;
    }

    private static Path iso(Path dir, Path tree, String... options) throws Exception {
        Path iso = dir.resolve("src.iso");
        List<String> cmd = HostTools.list("genisoimage", "-quiet", "-o", iso.toString(), "-V", "NIXOS_ISO");
        cmd.addAll(List.of(options));
        cmd.addAll(List.of("-b", "eltorito/boot.img", "-c", "eltorito/boot.cat", "-no-emul-boot", "-boot-load-size",
                "4", tree.toString()));
        HostTools.run(cmd.toArray(new String[0]));
        return iso;
    }

    @Test
    void withoutRockRidgeAFileNamedBootIsNeitherHiddenNorRefused() throws Exception {
        HostTools.require("genisoimage", "isoinfo");
        Path dir = HostTools.workDir("placement-boot-file");
        Path source = iso(dir, tree(dir, "kernels", "boot", "isolinux", "syslinux"));
        RecordingLog log = new RecordingLog();
        Path out = dir.resolve("out.iso");
        new Remaster(log).run(RemasterOptions.of(source, out).withTimestamp(T));

        String listing = HostTools.run("isoinfo", "-f", "-i", out.toString());
        assertTrue(listing.contains("/BOOT.;1\n"), "the source's file BOOT is still there:\n" + listing);
        assertFalse(listing.lines().anyMatch(l -> l.equals("/BOOT")), "no directory BOOT beside the file BOOT:\n"
                + listing);
        assertTrue(listing.contains("/NIXUSB_E.IMG;1"), "the EFI image goes to /nixusb-efi.img:\n" + listing);
        assertTrue(listing.contains("/ISOLINUX.BIN;1") && listing.contains("/LDLINUX.C32;1"),
                "/isolinux, /syslinux and /boot are files, so ISOLINUX goes to the root:\n" + listing);
        assertTrue(log.has("ISOLINUX goes to /: /isolinux is taken"), log.lines.toString());
        assertTrue(log.has("UEFI: created /NIXUSB_E.IMG"), "the log names the path written: " + log.lines);
        try (IsoVolume v = IsoVolume.open(out)) {
            IsoEntry boot = v.find("/BOOT");
            assertNotNull(boot);
            assertFalse(boot.isDirectory());
            assertEquals("the source's own boot\n", new String(v.read(boot), StandardCharsets.UTF_8));
        }
    }

    @Test
    void withoutRockRidgeAnExistingBootDirectoryIsReusedWhateverItsCase() throws Exception {
        HostTools.require("genisoimage", "isoinfo");
        Path dir = HostTools.workDir("placement-boot-dir");
        Path source = iso(dir, tree(dir, "boot"));
        RecordingLog log = new RecordingLog();
        Path out = dir.resolve("out.iso");
        new Remaster(log).run(RemasterOptions.of(source, out).withTimestamp(T));

        String listing = HostTools.run("isoinfo", "-f", "-i", out.toString());
        assertTrue(listing.contains("/BOOT/EFI.IMG;1"), listing);
        assertFalse(listing.contains("/BOOT_1"), "no second boot directory:\n" + listing);
        assertTrue(log.has("UEFI: created /BOOT/EFI.IMG"), log.lines.toString());
        assertTrue(log.has("Added /ISOLINUX with /ISOLINUX/SYSLINUX.CFG"), log.lines.toString());
    }

    @Test
    void aConfigInAnotherDirectoryNamesTheModuleDirectory() throws Exception {
        HostTools.require("genisoimage", "isoinfo");
        Path dir = HostTools.workDir("placement-config");
        Path source = iso(dir, tree(dir, "boot", "boot/isolinux/isolinux.cfg"), "-R");
        RecordingLog log = new RecordingLog();
        Path out = dir.resolve("out.iso");
        RemasterResult r = new Remaster(log).run(RemasterOptions.of(source, out).withTimestamp(T));
        assertTrue(log.has("WARN The source has /boot/isolinux/isolinux.cfg"), log.lines.toString());
        assertTrue(r.config().startsWith("PATH /isolinux/\n"), r.config());
        assertTrue(r.config().contains("\nUI /isolinux/menu.c32\n"), r.config());
        try (IsoVolume v = IsoVolume.open(out)) {
            assertEquals(r.config(), new String(v.read(v.find("/boot/isolinux/isolinux.cfg")), StandardCharsets.UTF_8));
            assertNotNull(v.find("/isolinux/menu.c32"));
        }
    }

    @Test
    void aConfiguredPlaceThatIsTakenIsRefusedWithTheReason() throws Exception {
        HostTools.require("genisoimage");
        Path dir = HostTools.workDir("placement-configured");
        Path source = iso(dir, tree(dir, "boot", "extra/isolinux.bin"), "-R");
        Path out = dir.resolve("out.iso");
        BadInputException e = org.junit.jupiter.api.Assertions.assertThrows(BadInputException.class,
                () -> new Remaster(BuildLog.SILENT).run(RemasterOptions.of(source, out).withIsolinuxDirectory("/extra")));
        assertTrue(e.getMessage().contains("the configured ISOLINUX directory /extra cannot be used: "
                + "/extra/isolinux.bin exists"), e.getMessage());
        assertFalse(Files.exists(out));
        e = org.junit.jupiter.api.Assertions.assertThrows(BadInputException.class,
                () -> new Remaster(BuildLog.SILENT).run(RemasterOptions.of(source, out).withEfiImagePath("/boot/bzImage")));
        assertTrue(e.getMessage().contains("the configured EFI image path /boot/bzImage is taken (a file is there)"),
                e.getMessage());
        RemasterResult ok = new Remaster(BuildLog.SILENT).run(RemasterOptions.of(source, out)
                .withIsolinuxDirectory("/boot/syslinux").withEfiImagePath("/efi/usb.img"));
        try (IsoVolume v = IsoVolume.open(out)) {
            assertNotNull(v.find("/boot/syslinux/isolinux.bin"));
            assertNotNull(v.find("/boot/syslinux/syslinux.cfg"));
            assertNotNull(v.find("/efi/usb.img"));
            assertEquals(v.find("/boot/syslinux/isolinux.bin").extents().get(0).lba(), ok.bootFileLba());
        }
    }
}
