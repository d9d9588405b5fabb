package org.nixusb.remaster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.lint.FatCopyCheck;
import org.nixusb.lint.Finding;
import org.nixusb.testing.CheckedRemaster;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.IsoFiles;
import org.nixusb.testing.RecordingLog;
import org.nixusb.testing.SourceIsos;

/**
 * The EFI image's files in the ISO tree ({@code efiTree}): a kept image's loader and config, and a created GRUB's,
 * land in the tree byte for byte (read back by xorriso, compared with what mtools reads from the El Torito image),
 * into the directories the tree already has whatever their case; the FAT32-copy check then finds no loader missing,
 * and with the option off it does. The kept El Torito image itself is unchanged.
 */
class EfiTreeRemasterTest {
    @Test
    void aKeptEfiImagesFilesLandInTheTreesOwnDirectories() throws Exception {
        HostTools.require("xorriso", "mkfs.vfat", "mcopy", "mmd");
        Path dir = HostTools.workDir("efi-tree-kept");
        Path loader = dir.resolve("loader.efi");
        Files.write(loader, SourceIsos.random(new java.util.Random(7), 70_000));
        Path cfg = dir.resolve("grub.cfg");
        Files.writeString(cfg, "search --label NIXOS_ISO --set root\nconfigfile /boot/grub/grub.cfg\n");
        Path tree = SourceIsos.nixosTree(dir, true);
        Path efi = SourceIsos.efiImage(dir, "efi.img", new String[][] {{"/EFI/BOOT/BOOTX64.EFI", loader.toString()},
            {"/EFI/BOOT/grub.cfg", cfg.toString()}, {"/EFI/debian/grub.cfg", cfg.toString()}});
        Files.copy(efi, tree.resolve("boot/efi.img"));
        // the tree has the directory in lower case, with another file in it
        Files.createDirectories(tree.resolve("efi/boot"));
        Files.writeString(tree.resolve("efi/boot/README"), "the tree's own\n");
        SourceIsos.touchAll(tree);
        Path source = SourceIsos.xorriso(dir, tree, "src.iso", "-eltorito-alt-boot", "-e", "boot/efi.img",
                "-no-emul-boot");
        assertTrue(ids(source).contains("FAT_COPY_NO_EFI_TREE"), "the source lacks the loader in its tree");

        RecordingLog log = new RecordingLog();
        RemasterResult r = remaster(log, RemasterOptions.of(source, dir.resolve("usb.iso")));
        assertEquals(EfiMode.KEEP, new Remaster(log).plan(RemasterOptions.of(source, dir.resolve("x.iso"))).efi());
        assertTrue(log.has("EFI tree: 3 files"), log.lines.toString());
        assertArrayEquals(Files.readAllBytes(loader), IsoFiles.extract(r.output(), "/efi/boot/BOOTX64.EFI",
                dir.resolve("out-loader.efi")), "the loader, byte for byte, in the tree's /efi/boot");
        assertEquals(Files.readString(cfg), IsoFiles.extractText(r.output(), "/efi/debian/grub.cfg",
                dir.resolve("out-debian.cfg")));
        String listing = HostTools.run("xorriso", "-indev", r.output().toString(), "-find", "/", "-maxdepth", "1",
                "-type", "d");
        assertTrue(listing.contains("'/efi'") && !listing.contains("'/EFI'"), "no second spelling of /efi: " + listing);
        List<String> after = ids(r.output());
        assertFalse(after.contains("FAT_COPY_NO_EFI_TREE") || after.contains("FAT_COPY_EFI_FILES_ONLY_IN_IMAGE"),
                after.toString());
        // the El Torito image stays the source's
        try (IsoVolume s = IsoVolume.open(source); IsoVolume o = IsoVolume.open(r.output())) {
            assertEquals(s.find("/boot/efi.img").extents(), o.find("/boot/efi.img").extents());
        }

        RemasterResult off = remaster(new RecordingLog(), RemasterOptions.of(source, dir.resolve("off.iso"))
                .withEfiTree(false));
        assertTrue(ids(off.output()).contains("FAT_COPY_NO_EFI_TREE"), "control: without the option the copy lacks it");
    }

    @Test
    void aCreatedGrubIsInTheTreeToo() throws Exception {
        HostTools.require("xorriso");
        Path dir = HostTools.workDir("efi-tree-created");
        Path source = SourceIsos.genisoimage(dir, SourceIsos.nixosTree(dir, true), "src.iso");
        RecordingLog log = new RecordingLog();
        RemasterResult r = remaster(log, RemasterOptions.of(source, dir.resolve("usb.iso")).withEfi(EfiMode.CREATE));
        assertTrue(log.has("EFI tree: 2 files"), log.lines.toString());
        byte[] inTree = IsoFiles.extract(r.output(), "/EFI/BOOT/BOOTX64.EFI", dir.resolve("tree-grub.efi"));
        // the El Torito image's copy, read by mtools
        byte[] image = IsoFiles.extract(r.output(), "/boot/efi.img", dir.resolve("efi.img"));
        assertTrue(image.length > inTree.length);
        HostTools.run("mcopy", "-n", "-i", dir.resolve("efi.img").toString(), "::/EFI/BOOT/BOOTX64.EFI",
                dir.resolve("image-grub.efi").toString());
        assertArrayEquals(Files.readAllBytes(dir.resolve("image-grub.efi")), inTree);
        String cfg = IsoFiles.extractText(r.output(), "/EFI/BOOT/grub.cfg", dir.resolve("tree-grub.cfg"));
        HostTools.run("grub-script-check", dir.resolve("tree-grub.cfg").toString());
        assertTrue(cfg.contains("NixOS Live CD"), cfg);
        assertFalse(ids(r.output()).contains("FAT_COPY_NO_EFI_TREE"));
    }

    private static RemasterResult remaster(RecordingLog log, RemasterOptions o) throws Exception {
        return CheckedRemaster.run(log, o);
    }

    private static List<String> ids(Path iso) throws Exception {
        try (IsoVolume v = IsoVolume.open(iso)) {
            return FatCopyCheck.check(v).stream().map(Finding::id).toList();
        }
    }
}
