package org.nixusb.bootentry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nixusb.fat.FatFileSystem;
import org.nixusb.iso9660.ImageFile;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.qemu.DirectBoot;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.SourceIsos;

/**
 * The one finder the remaster, inspect and debug share: on an image that carries every kind of menu it finds
 * each, with and without Rock Ridge (genisoimage's 8.3 names), and debug boots a GRUB-only image's entry.
 */
class BootMenuFinderTest {
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void findsEveryMenuKindWithAndWithoutRockRidge(boolean rockRidge) throws Exception {
        HostTools.require("genisoimage", "mkfs.vfat", "mcopy");
        Path dir = HostTools.workDir("menu-finder-" + rockRidge);
        Path tree = SourceIsos.nixosTree(dir, true);
        Files.createDirectories(tree.resolve("boot/grub"));
        Files.writeString(tree.resolve("boot/grub/grub.cfg"), "set default=0\nmenuentry 'Grub Live' {\n"
                + "  linux /boot/bzImage quiet\n  initrd /boot/initrd\n}\n");
        Files.createDirectories(tree.resolve("isolinux"));
        Files.writeString(tree.resolve("isolinux/isolinux.cfg"), "DEFAULT two\nTIMEOUT 50\nLABEL one\n  LINUX /boot/bzImage\n"
                + "LABEL two\n  LINUX ../boot/bzImage\n  INITRD /boot/initrd\n  APPEND x=1\n");
        Path entry = dir.resolve("efi-entry.conf");
        Files.writeString(entry, "title In the EFI image\nlinux /efi/k\n", StandardCharsets.UTF_8);
        Path esp = SourceIsos.efiImage(dir, "esp.img", new String[][] {{"/loader/entries/efi.conf", entry.toString()}});
        Files.copy(esp, tree.resolve("boot/efi.img"));
        SourceIsos.touchAll(tree);
        Path iso = dir.resolve("src.iso");
        if (rockRidge) {
            SourceIsos.genisoimage(dir, tree, "src.iso");
        } else {
            // plain ISO 9660: 8.3 names, so the entries are NIXOS_LI.CON and NIXOS_DE.CON
            HostTools.run("genisoimage", "-quiet", "-o", iso.toString(), "-V", "NIXOS_ISO", tree.toString());
        }
        try (IsoVolume v = IsoVolume.open(iso); ImageFile fat = ImageFile.open(esp)) {
            assertEquals(rockRidge, v.rockRidge());
            List<BootMenuFinder.Found> found = BootMenuFinder.all(v, List.of(FatFileSystem.open(fat.channel(), 0,
                    fat.size())), "src.iso");
            assertEquals(List.of(BootMenuFinder.Kind.SYSTEMD_BOOT, BootMenuFinder.Kind.SYSTEMD_BOOT_EFI_IMAGE,
                    BootMenuFinder.Kind.GRUB, BootMenuFinder.Kind.ISOLINUX), found.stream().map(BootMenuFinder.Found::kind)
                    .toList());
            BootMenu sd = found.get(0).menu();
            // without Rock Ridge the entries are NIXOS_LI.CON and NIXOS_DE.CON: still entries, ids from 8.3 names
            assertEquals(2, sd.entries().size(), sd.toString());
            assertEquals("/boot/bzImage", sd.entries().get(0).kernel());
            assertEquals("src.iso!/loader", found.get(0).origin());
            assertEquals("/efi/k", found.get(1).menu().entries().get(0).kernel());
            assertEquals("src.iso!EFI image!/loader", found.get(1).origin());
            assertEquals("Grub Live", found.get(2).menu().entries().get(0).title());
            BootMenu iso9660 = found.get(3).menu();
            assertEquals("two", iso9660.defaultId());
            assertEquals(5, iso9660.timeoutSeconds());
            assertEquals("/isolinux", found.get(3).configDirectory().toLowerCase());
            assertEquals(found.get(2), BootMenuFinder.first(found, BootMenuFinder.Kind.GRUB,
                    BootMenuFinder.Kind.SYSTEMD_BOOT));
            assertNull(BootMenuFinder.first(List.of(), BootMenuFinder.Kind.GRUB));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"grub-only"})
    void debugFindsTheEntryOfAGrubOnlyImage(String name) throws Exception {
        HostTools.require("genisoimage");
        Path dir = HostTools.workDir("menu-finder-" + name);
        Path tree = SourceIsos.nixosTree(dir, false);
        Files.createDirectories(tree.resolve("boot/grub"));
        Files.writeString(tree.resolve("boot/grub/grub.cfg"), "menuentry 'Live' {\n  linux /boot/bzImage console=ttyS0\n"
                + "  initrd /boot/initrd\n}\n");
        SourceIsos.touchAll(tree);
        Path iso = SourceIsos.genisoimage(dir, tree, "grub.iso", "-R");
        DirectBoot.Prepared p = DirectBoot.prepare(iso, null, dir.resolve("work"));
        assertEquals("/boot/grub/grub.cfg", p.from());
        assertArrayEquals(Files.readAllBytes(tree.resolve("boot/bzImage")), Files.readAllBytes(p.kernel()));
        assertArrayEquals(Files.readAllBytes(tree.resolve("boot/initrd")), Files.readAllBytes(p.initrd()));
    }
}
