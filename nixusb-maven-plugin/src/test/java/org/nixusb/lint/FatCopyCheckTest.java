package org.nixusb.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.secureboot.SbatLevels;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.SourceIsos;

/**
 * What breaks a copy of an image's files onto a FAT32 stick, judged on images xorriso and genisoimage made: a UEFI
 * loader only inside the El Torito EFI image (and, once it is in the tree, the config it reads still only there),
 * kernels named through symbolic links, names FAT folds together or refuses, and the label the initramfs waits for
 * (one a FAT label can carry, one it cannot). Each control lacks exactly the problem.
 */
class FatCopyCheckTest {
    @Test
    void aLoaderOnlyInTheEfiImageThenItsConfigThenNothing() throws Exception {
        HostTools.require("xorriso", "mkfs.vfat", "mcopy", "mmd");
        Path dir = HostTools.workDir("fat-copy-efi");
        Path loader = dir.resolve("BOOTX64.EFI");
        Files.write(loader, new byte[] {'M', 'Z', 0, 0});
        Path cfg = dir.resolve("grub.cfg");
        Files.writeString(cfg, "configfile /boot/grub/grub.cfg\n");

        Path onlyInImage = iso(dir, "only-in-image.iso", loader, cfg, false, false);
        List<Finding> f = check(onlyInImage);
        Finding noTree = find(f, "FAT_COPY_NO_EFI_TREE");
        assertTrue(noTree.problem().contains("/EFI/BOOT/BOOTX64.EFI") && noTree.problem().contains("/EFI/BOOT/grub.cfg"),
                noTree.problem());
        assertEquals(Severity.WARNING, noTree.severity());
        Finding label = find(f, "FAT_COPY_ROOT_BY_LABEL");
        assertEquals(Severity.INFO, label.severity(), "NIXOS_ISO fits a FAT label");
        assertTrue(label.cure().contains("mkfs.fat -n NIXOS_ISO"), label.cure());

        List<String> ids = ids(check(iso(dir, "loader-in-tree.iso", loader, cfg, true, false)));
        assertFalse(ids.contains("FAT_COPY_NO_EFI_TREE"), ids.toString());
        assertTrue(ids.contains("FAT_COPY_EFI_FILES_ONLY_IN_IMAGE"), "grub.cfg is still only in the image: " + ids);

        ids = ids(check(iso(dir, "all-in-tree.iso", loader, cfg, true, true)));
        assertEquals(List.of("FAT_COPY_ROOT_BY_LABEL"), ids);

        // lint reports them when asked, and only then
        assertTrue(ImageLint.lint(onlyInImage, SbatLevels.pinned(), List.of(), true).ids()
                .contains("FAT_COPY_NO_EFI_TREE"));
        assertFalse(ImageLint.lint(onlyInImage).ids().stream().anyMatch(i -> i.startsWith("FAT_COPY")));
    }

    @Test
    void symlinkedKernelsClashingAndForbiddenNamesAndALabelNoFatCarries() throws Exception {
        HostTools.require("genisoimage");
        Path dir = HostTools.workDir("fat-copy-names");
        Path tree = dir.resolve("tree");
        Files.createDirectories(tree.resolve("boot/real"));
        Files.createDirectories(tree.resolve("loader/entries"));
        Files.createDirectories(tree.resolve("docs"));
        Files.write(tree.resolve("boot/vmlinuz-6.1"), new byte[4096]);
        Files.createSymbolicLink(tree.resolve("boot/vmlinuz"), Path.of("vmlinuz-6.1"));
        Files.write(tree.resolve("boot/real/initrd.img"), new byte[4096]);
        Files.createSymbolicLink(tree.resolve("initrd-dir"), Path.of("boot/real"));
        Files.write(tree.resolve("boot/cd.img"), new byte[2048]);
        Files.writeString(tree.resolve("docs/README"), "upper\n");
        Files.writeString(tree.resolve("docs/readme"), "lower\n");
        Files.writeString(tree.resolve("docs/what?.txt"), "question\n");
        Files.writeString(tree.resolve("loader/entries/live.conf"), "title Live\nlinux /boot/vmlinuz\n"
                + "initrd /initrd-dir/initrd.img\noptions root=live:CDLABEL=Fedora-WS-Live-41 rd.live.image\n");
        Path iso = dir.resolve("names.iso");
        HostTools.run("genisoimage", "-quiet", "-o", iso.toString(), "-V", "Fedora-WS-Live-41", "-R", "-J",
                "-joliet-long", "-b", "boot/cd.img", "-no-emul-boot", tree.toString());
        List<Finding> f = check(iso);
        Finding links = find(f, "FAT_COPY_NEEDS_SYMLINKS");
        assertTrue(links.problem().contains("/boot/vmlinuz (/boot/vmlinuz -> vmlinuz-6.1)")
                && links.problem().contains("/initrd-dir/initrd.img (/initrd-dir -> boot/real)"), links.problem());
        assertTrue(find(f, "FAT_COPY_NAME_CLASH").problem().matches(".*/docs/(readme and README|README and readme).*"),
                find(f, "FAT_COPY_NAME_CLASH").problem());
        assertTrue(find(f, "FAT_COPY_BAD_NAME").problem().contains("/docs/what?.txt"));
        Finding label = find(f, "FAT_COPY_ROOT_BY_LABEL");
        assertEquals(Severity.WARNING, label.severity(), "17 characters, lower case: no FAT label");
        assertTrue(label.problem().contains("Fedora-WS-Live-41"), label.problem());
        assertFalse(ids(f).contains("FAT_COPY_FILE_TOO_LARGE"));
    }

    // ---------------------------------------------------------------------------------------------

    /** The NixOS-like tree with an El Torito EFI image holding the loader and its config, in the tree as asked. */
    private static Path iso(Path dir, String name, Path loader, Path cfg, boolean loaderInTree, boolean cfgInTree)
            throws Exception {
        Path work = dir.resolve(name + ".d");
        Path tree = SourceIsos.nixosTree(work, true);
        Path efi = SourceIsos.efiImage(work, "efi.img", new String[][] {{"/EFI/BOOT/BOOTX64.EFI", loader.toString()},
            {"/EFI/BOOT/grub.cfg", cfg.toString()}});
        Files.copy(efi, tree.resolve("boot/efi.img"));
        Files.createDirectories(tree.resolve("EFI/BOOT"));
        if (loaderInTree) {
            Files.copy(loader, tree.resolve("EFI/BOOT/BOOTX64.EFI"));
        }
        if (cfgInTree) {
            Files.copy(cfg, tree.resolve("EFI/BOOT/grub.cfg"));
        }
        return SourceIsos.xorriso(dir, tree, name, "-eltorito-alt-boot", "-e", "boot/efi.img", "-no-emul-boot");
    }

    private static List<Finding> check(Path iso) throws Exception {
        try (IsoVolume v = IsoVolume.open(iso)) {
            return FatCopyCheck.check(v);
        }
    }

    private static List<String> ids(List<Finding> f) {
        return f.stream().map(Finding::id).toList();
    }

    private static Finding find(List<Finding> f, String id) {
        return f.stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow(() -> new AssertionError(id
                + " not among " + f));
    }
}
