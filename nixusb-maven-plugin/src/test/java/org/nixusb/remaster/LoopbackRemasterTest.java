package org.nixusb.remaster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nixusb.bootentry.BootEntry;
import org.nixusb.bootentry.BootMenu;
import org.nixusb.bootentry.GrubConfigReader;
import org.nixusb.iso9660.IsoEntry;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.testing.CheckedRemaster;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.IsoFiles;
import org.nixusb.testing.RecordingLog;
import org.nixusb.testing.SourceIsos;

/**
 * The {@code /boot/grub/loopback.cfg} a remaster writes, on each route that writes the tree (convert, keep-isolinux,
 * keep-layout) and on none that copies; read back from the output by xorriso, checked by grub-script-check, and
 * read by nixusb's GRUB reader as the image's own menu plus the argument that finds the image file. A source's own
 * file is kept, with kernelArgs on every route; {@code loopback=none} writes none; a live system nixusb does not know
 * gets none, and the log says why.
 */
class LoopbackRemasterTest {
    private static final String ISO_FILE = "/isos/my live.iso";

    @Test
    void aConvertedNixosSourceGetsTheSystemdBootMenuWithFindiso() throws Exception {
        Path dir = HostTools.workDir("loopback-convert");
        Path source = SourceIsos.genisoimage(dir, SourceIsos.nixosTree(dir, true), "src.iso");
        RecordingLog log = new RecordingLog();
        RemasterResult r = remaster(log, RemasterOptions.of(source, dir.resolve("usb.iso")).withKernelArgs("quiet"));
        assertEquals(RemasterPlan.Route.CONVERT, r.route());
        assertTrue(log.has("loopback.cfg: /boot/grub/loopback.cfg written from src.iso!") && log.has("NixOS stage 1"),
                log.lines.toString());
        BootMenu back = loopbackMenu(dir, r.output(), "/boot/grub/loopback.cfg");
        // systemd-boot's order (by file name), and its default
        assertEquals(List.of("NixOS Live CD (debug)", "NixOS Live CD"), back.entries().stream().map(BootEntry::title)
                .toList());
        assertEquals("NixOS Live CD", back.defaultEntry().title(), "the menu's default stays the default");
        BootEntry live = back.entries().get(1);
        assertEquals("/boot/bzImage", live.kernel());
        assertEquals(List.of("/boot/initrd", "/boot/initrd-extra"), live.initrds());
        assertEquals("init=/nix/store/abc123-NixOS-Closure/init root=LABEL=NIXOS_ISO boot.shell_on_fail quiet "
                + "findiso=" + ISO_FILE, live.options());
    }

    @Test
    void aMenuThatAlreadyNamesTheArgumentThroughAnUnsetVariableGetsItOnce() throws Exception {
        Path dir = HostTools.workDir("loopback-own-arg");
        Path tree = SourceIsos.nixosTree(dir, false);
        Files.createDirectories(tree.resolve("boot/grub"));
        // GRUB leaves ${iso_path} empty when it boots the CD: the menu reads as "findiso="
        Files.writeString(tree.resolve("boot/grub/grub.cfg"), "menuentry 'Live' {\n  linux /boot/bzImage boot=live "
                + "findiso=${iso_path} quiet\n  initrd /boot/initrd\n}\n");
        SourceIsos.touchAll(tree);
        Path source = SourceIsos.genisoimage(dir, tree, "src.iso");
        RemasterResult r = remaster(new RecordingLog(), RemasterOptions.of(source, dir.resolve("usb.iso")));
        BootMenu back = loopbackMenu(dir, r.output(), "/boot/grub/loopback.cfg");
        assertEquals("boot=live quiet findiso=" + ISO_FILE, back.entries().get(0).options());
    }

    @Test
    void anIsolinuxLiveBootSourceGetsItsIsolinuxMenuAndKeepsItsOwnFilesInPlace() throws Exception {
        HostTools.require("genisoimage");
        Path dir = HostTools.workDir("loopback-keep-isolinux");
        Path source = isolinuxSource(dir, "boot=live components", false);
        RecordingLog log = new RecordingLog();
        RemasterResult r = remaster(log, RemasterOptions.of(source, dir.resolve("usb.iso")));
        assertEquals(RemasterPlan.Route.KEEP_ISOLINUX, r.route());
        assertTrue(log.has("Debian live-boot (boot=live in entry 'live')"), log.lines.toString());
        BootMenu back = loopbackMenu(dir, r.output(), "/boot/grub/loopback.cfg");
        // the COM32 entry is no Linux kernel: left out; the submenu entry keeps its submenu
        assertEquals(List.of("Live system", "Advanced > Live (fail-safe)"), back.entries().stream()
                .map(BootEntry::title).toList());
        assertEquals("/live/vmlinuz", back.entries().get(1).kernel());
        assertEquals("boot=live components noapic findiso=" + ISO_FILE, back.entries().get(1).options());
        try (IsoVolume src = IsoVolume.open(source); IsoVolume out = IsoVolume.open(r.output())) {
            for (IsoEntry e : src.walk()) {
                IsoEntry o = out.find(e.path());
                assertNotNull(o, e.path());
                if (!e.isDirectory()) {
                    assertEquals(e.extents(), o.extents(),
                            e.path() + " stays where the source has it");
                }
            }
        }
    }

    @Test
    void aSourcesOwnLoopbackCfgIsKeptAndGetsKernelArgsOnEveryRoute() throws Exception {
        HostTools.require("genisoimage");
        Path dir = HostTools.workDir("loopback-own");
        Path source = isolinuxSource(dir, "boot=casper ---", true);
        RecordingLog log = new RecordingLog();
        // efi=none: no EFI path is kept, yet the file a multi-boot stick's GRUB reads gets the arguments
        RemasterResult r = remaster(log, RemasterOptions.of(source, dir.resolve("usb.iso")).withKernelArgs(
                "console=ttyS0").withSerial(true));
        assertEquals(RemasterPlan.Route.KEEP_ISOLINUX, r.route());
        assertTrue(log.has("loopback.cfg: the source's own /boot/grub/loopback.cfg is kept (with kernelArgs)"),
                log.lines.toString());
        String text = IsoFiles.extractText(r.output(), "/boot/grub/loopback.cfg", dir.resolve("own.cfg"));
        assertTrue(text.startsWith("# the distribution's own\n"), text);
        assertFalse(text.contains("serial"), "serial is the host GRUB's business: " + text);
        HostTools.run("grub-script-check", dir.resolve("own.cfg").toString());
        BootMenu back = new GrubConfigReader().parse(text.replace("${iso_path}", ISO_FILE), "own");
        assertEquals("boot=casper iso-scan/filename=" + ISO_FILE + " --- console=ttyS0",
                back.entries().get(0).options());
    }

    @Test
    void noneIsWrittenWhenAskedOrWhenTheLiveSystemIsUnknown() throws Exception {
        HostTools.require("genisoimage");
        Path dir = HostTools.workDir("loopback-none");
        Path nixos = SourceIsos.genisoimage(dir, SourceIsos.nixosTree(dir, true), "src.iso");
        RecordingLog off = new RecordingLog();
        RemasterResult r = remaster(off, RemasterOptions.of(nixos, dir.resolve("off.iso"))
                .withLoopback(LoopbackMode.NONE));
        assertTrue(off.has("loopback.cfg: none (loopback=none)"), off.lines.toString());
        assertAbsent(r.output());

        Path other = isolinuxSource(dir.resolve("other"), "root=/dev/sr0 quiet", false);
        RecordingLog unknown = new RecordingLog();
        r = remaster(unknown, RemasterOptions.of(other, dir.resolve("unknown.iso")));
        assertTrue(unknown.has("loopback.cfg: none (no argument is known that makes this image's initramfs find "
                + "its root in an ISO file: no entry names boot=live"), unknown.lines.toString());
        assertAbsent(r.output());
    }

    @Test
    void aStickSourceStaysACopyUnlessAskedThenKeepsItsLayout() throws Exception {
        Path dir = HostTools.workDir("loopback-stick");
        Path cd = SourceIsos.genisoimage(dir, SourceIsos.nixosTree(dir, true), "cd.iso");
        Path stick = remaster(new RecordingLog(), RemasterOptions.of(cd, dir.resolve("stick.iso"))
                .withLoopback(LoopbackMode.NONE)).output();

        RecordingLog copy = new RecordingLog();
        RemasterResult r = remaster(copy, RemasterOptions.of(stick, dir.resolve("copy.iso")));
        assertEquals(RemasterPlan.Route.COPY, r.route());
        assertEquals(-1L, Files.mismatch(stick, r.output()), "a copy stays a copy");
        assertTrue(copy.has("loopback.cfg: none written (the source is copied byte for byte; loopback=add"),
                copy.lines.toString());

        RecordingLog add = new RecordingLog();
        r = remaster(add, RemasterOptions.of(stick, dir.resolve("added.iso")).withLoopback(LoopbackMode.ADD));
        assertEquals(RemasterPlan.Route.KEEP_LAYOUT, r.route());
        BootMenu back = loopbackMenu(dir, r.output(), "/boot/grub/loopback.cfg");
        assertEquals(2, back.entries().size());
        assertTrue(back.entries().get(0).options().endsWith("findiso=" + ISO_FILE), back.toString());
        // the stick's MBR and partition entries stay its own
        byte[] a = new byte[446];
        byte[] b = new byte[446];
        try (var in = Files.newInputStream(stick)) {
            in.readNBytes(a, 0, 446);
        }
        try (var in = Files.newInputStream(r.output())) {
            in.readNBytes(b, 0, 446);
        }
        assertEquals(-1, java.util.Arrays.mismatch(a, b), "the boot code is the stick's");
    }

    @Test
    void aSourceWithoutRockRidgeGetsItsFileUnderAnIso9660Name() throws Exception {
        HostTools.require("genisoimage");
        Path dir = HostTools.workDir("loopback-plain");
        Path tree = SourceIsos.nixosTree(dir, true);
        Files.writeString(tree.resolve("loader/entries/nixos-livecd.conf"), "title NixOS\nlinux /boot/bzImage\n"
                + "initrd /boot/initrd\noptions init=/nix/store/x/init root=LABEL=PLAIN\n");
        Files.delete(tree.resolve("loader/entries/nixos-debug.conf"));
        Path source = dir.resolve("plain.iso");
        HostTools.run("genisoimage", "-quiet", "-o", source.toString(), "-V", "PLAIN", "-b", "boot/dummy-boot.img",
                "-c", "boot/boot.cat", "-no-emul-boot", "-boot-load-size", "4", tree.toString());
        RemasterResult r = remaster(new RecordingLog(), RemasterOptions.of(source, dir.resolve("usb.iso")));
        String listing = HostTools.run("xorriso", "-indev", r.output().toString(), "-find", "/BOOT", "-type", "f");
        assertTrue(listing.contains("/BOOT/GRUB/LOOPBACK.CFG"), listing);
        BootMenu back = loopbackMenu(dir, r.output(), "/BOOT/GRUB/LOOPBACK.CFG");
        assertEquals("/BOOT/BZIMAGE", back.entries().get(0).kernel());
    }

    // ---------------------------------------------------------------------------------------------

    private static RemasterResult remaster(RecordingLog log, RemasterOptions o) throws Exception {
        return CheckedRemaster.run(log, o);
    }

    /** The output's loopback.cfg: extracted by xorriso, accepted by grub-script-check, read by nixusb's reader. */
    private static BootMenu loopbackMenu(Path dir, Path iso, String path) throws Exception {
        HostTools.require("grub-script-check", "xorriso");
        Path to = dir.resolve(iso.getFileName() + ".loopback.cfg");
        String text = IsoFiles.extractText(iso, path, to);
        HostTools.run("grub-script-check", to.toString());
        assertFalse(text.contains("search ") || text.contains("serial"), "the host GRUB's root and terminal stay: "
                + text);
        return new GrubConfigReader().parse(text.replace("${iso_path}", ISO_FILE), iso + "!" + path);
    }

    private static void assertAbsent(Path iso) throws Exception {
        try (IsoVolume v = IsoVolume.open(iso)) {
            assertNull(v.findIgnoringCase("/boot/grub/loopback.cfg"), iso + " has no loopback.cfg");
        }
    }

    /** A CD booting ISOLINUX whose menu has a Linux entry, one in a submenu and a COM32 entry. */
    private static Path isolinuxSource(Path dir, String args, boolean ownLoopback) throws Exception {
        Path tree = dir.resolve("tree");
        Files.createDirectories(tree.resolve("isolinux"));
        Files.createDirectories(tree.resolve("live"));
        Files.copy(Path.of("/usr/lib/ISOLINUX/isolinux.bin"), tree.resolve("isolinux/isolinux.bin"));
        Files.copy(Path.of("/usr/lib/syslinux/modules/bios/ldlinux.c32"), tree.resolve("isolinux/ldlinux.c32"));
        Files.write(tree.resolve("live/vmlinuz"), new byte[40_000]);
        Files.write(tree.resolve("live/initrd.img"), new byte[20_000]);
        Files.writeString(tree.resolve("isolinux/isolinux.cfg"), "DEFAULT live\nTIMEOUT 50\nLABEL live\n"
                + "  MENU LABEL Live system\n  KERNEL /live/vmlinuz\n  APPEND initrd=/live/initrd.img " + args + "\n"
                + "MENU BEGIN adv\n  MENU TITLE Advanced\n  LABEL failsafe\n    MENU LABEL Live (fail-safe)\n"
                + "    KERNEL /live/vmlinuz\n    APPEND initrd=/live/initrd.img " + args + " noapic\nMENU END\n"
                + "LABEL hdt\n  MENU LABEL Hardware detection\n  COM32 hdt.c32\n");
        if (ownLoopback) {
            Files.createDirectories(tree.resolve("boot/grub"));
            Files.writeString(tree.resolve("boot/grub/loopback.cfg"), "# the distribution's own\n"
                    + "menuentry 'Try it' {\n  linux /live/vmlinuz boot=casper iso-scan/filename=${iso_path} ---\n"
                    + "  initrd /live/initrd.img\n}\n");
        }
        Path iso = dir.resolve("isolinux-src.iso");
        HostTools.run("genisoimage", "-quiet", "-o", iso.toString(), "-V", "LIVE", "-R", "-J", "-b",
                "isolinux/isolinux.bin", "-c", "isolinux/boot.cat", "-no-emul-boot", "-boot-load-size", "4",
                "-boot-info-table", tree.toString());
        return iso;
    }
}
