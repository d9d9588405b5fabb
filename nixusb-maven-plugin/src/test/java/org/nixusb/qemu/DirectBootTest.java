package org.nixusb.qemu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nixusb.BadInputException;
import org.nixusb.remaster.RemasterOptions;
import org.nixusb.testing.CheckedRemaster;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.SourceIsos;

/**
 * The direct-boot recipe takes an entry's kernel and initrds out of the image byte for byte (initrds
 * concatenated in order, as the kernel accepts them), from whichever menu the image boots with: the
 * ISOLINUX config of a remastered image (its relative paths resolved against the config's directory), the
 * systemd-boot entries of a CD-only source, or a GRUB menu.
 */
class DirectBootTest {
    @Test
    void extractsTheDefaultAndANamedEntryFromSystemdBootEntries() throws Exception {
        Path dir = HostTools.workDir("direct-boot-systemd");
        Path tree = SourceIsos.nixosTree(dir, true);
        Path iso = SourceIsos.genisoimage(dir, tree, "src.iso");

        DirectBoot.Prepared p = DirectBoot.prepare(iso, null, dir.resolve("work"));
        assertEquals("nixos-livecd", p.entry().id(), "loader.conf's default");
        assertArrayEquals(Files.readAllBytes(tree.resolve("boot/bzImage")), Files.readAllBytes(p.kernel()));
        assertArrayEquals(concat(tree.resolve("boot/initrd"), tree.resolve("boot/initrd-extra")),
                Files.readAllBytes(p.initrd()), "both initrds, in the entry's order");
        assertEquals("init=/nix/store/abc123-NixOS-Closure/init root=LABEL=NIXOS_ISO boot.shell_on_fail "
                + "boot.trace console=ttyS0", p.append());
        assertTrue(p.from().contains("loader/entries"), p.from());

        DirectBoot.Prepared debug = DirectBoot.prepare(iso, "nixos-debug", dir.resolve("work"));
        assertArrayEquals(Files.readAllBytes(tree.resolve("boot/initrd")), Files.readAllBytes(debug.initrd()),
                "a second prepare replaces the initrd instead of appending to the first one's");
        assertTrue(debug.append().contains(" debug boot.trace"), debug.append());
        assertEquals(List.of("-kernel", debug.kernel().toString(), "-initrd", debug.initrd().toString(), "-append",
                debug.append(), "-icount", "shift=auto"), DirectBoot.args(debug, true));

        BadInputException e = assertThrows(BadInputException.class,
                () -> DirectBoot.prepare(iso, "no-such-entry", dir.resolve("work")));
        assertTrue(e.getMessage().contains("no-such-entry") && e.getMessage().contains("nixos-debug"), e.getMessage());
    }

    @Test
    void aRemasteredImageBootsItsIsolinuxConfig() throws Exception {
        Path dir = HostTools.workDir("direct-boot-isolinux");
        Path tree = SourceIsos.nixosTree(dir, true);
        Path source = SourceIsos.genisoimage(dir, tree, "src.iso");
        Path usb = dir.resolve("usb.iso");
        CheckedRemaster.run(RemasterOptions.of(source, usb).withEfi("none").withKernelArgs("nixusb.marker=1"));
        DirectBoot.Prepared p = DirectBoot.prepare(usb, null, dir.resolve("work"));
        assertTrue(p.from().contains("isolinux"), p.from());
        assertTrue(p.append().contains("nixusb.marker=1"), "the generated config's command line: " + p.append());
        assertArrayEquals(Files.readAllBytes(tree.resolve("boot/bzImage")), Files.readAllBytes(p.kernel()));
    }

    @Test
    void aGrubMenuWithoutInitrdAndAnImageWithoutMenus() throws Exception {
        Path dir = HostTools.workDir("direct-boot-grub");
        Path tree = SourceIsos.nixosTree(dir, false);
        Files.createDirectories(tree.resolve("boot/grub"));
        Files.writeString(tree.resolve("boot/grub/grub.cfg"), "menuentry 'Rescue' {\n  linux /boot/bzImage quiet\n}\n");
        SourceIsos.touchAll(tree);
        Path grub = SourceIsos.genisoimage(dir, tree, "grub.iso");
        DirectBoot.Prepared p = DirectBoot.prepare(grub, null, dir.resolve("work"));
        assertNull(p.initrd());
        assertEquals("quiet boot.trace console=ttyS0", p.append());
        assertEquals(List.of("-kernel", p.kernel().toString(), "-append", p.append()), DirectBoot.args(p, false));

        Files.delete(tree.resolve("boot/grub/grub.cfg"));
        Path none = SourceIsos.genisoimage(dir, tree, "none.iso");
        BadInputException e = assertThrows(BadInputException.class, () -> DirectBoot.prepare(none, null,
                dir.resolve("work")));
        assertTrue(e.getMessage().contains("none.iso") && e.getMessage().contains("no boot entries"), e.getMessage());
    }

    private static byte[] concat(Path... files) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Path f : files) {
            out.writeBytes(Files.readAllBytes(f));
        }
        return out.toByteArray();
    }
}
