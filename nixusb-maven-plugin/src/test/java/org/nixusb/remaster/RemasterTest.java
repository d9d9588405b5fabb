package org.nixusb.remaster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nixusb.binary.Bytes;
import org.nixusb.checksum.Sha256File;
import org.nixusb.testing.CheckedRemaster;
import org.nixusb.eltorito.BootCatalog;
import org.nixusb.eltorito.BootInfoTable;
import org.nixusb.eltorito.CatalogEntry;
import org.nixusb.iso9660.ImageFile;
import org.nixusb.iso9660.IsoEntry;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.IsohybridReference;
import org.nixusb.testing.SourceIsos;

import com.github.stephenc.javaisotools.loopfs.iso9660.Iso9660FileEntry;
import com.github.stephenc.javaisotools.loopfs.iso9660.Iso9660FileSystem;

/** Remasters ISOs made by genisoimage and xorriso and reads the results back with three independent readers. */
class RemasterTest {
    static final Instant TIMESTAMP = Instant.parse("2024-01-01T00:00:00Z");
    static final long MBR_ID = 0x12345678L;

    @ParameterizedTest
    @ValueSource(strings = {"genisoimage", "xorriso"})
    void convertsACdOnlySourceKeepingEverySourceEntryAndTheEfiEntry(String tool) throws Exception {
        HostTools.require("isohybrid", "xorriso");
        Path dir = HostTools.workDir("remaster-" + tool);
        Path tree = SourceIsos.nixosTree(dir, true);
        Path efiPayload = dir.resolve("BOOTX64.EFI");
        Files.write(efiPayload, "not really an EFI program".getBytes(StandardCharsets.US_ASCII));
        SourceIsos.efiImage(tree.resolve("boot"), "efi.img", new String[][] {{"/EFI/BOOT/BOOTX64.EFI",
            efiPayload.toString()}});
        SourceIsos.touchAll(tree);
        String[] efi = {"-eltorito-alt-boot", "-e", "boot/efi.img", "-no-emul-boot"};
        Path source = tool.equals("xorriso") ? SourceIsos.xorriso(dir, tree, "src.iso", efi)
                : SourceIsos.genisoimage(dir, tree, "src.iso", efi);
        String sourceHash = Sha256File.sha256(source);
        Path out = dir.resolve("out/usb.iso");

        RemasterResult r = CheckedRemaster.run(RemasterOptions.of(source, out)
                .withSerial(true).withKernelArgs("console=ttyS0").withMbrId(MBR_ID).withTimestamp(TIMESTAMP));

        assertEquals(RemasterPlan.Route.CONVERT, r.route());
        assertEquals(sourceHash, Sha256File.sha256(source), "the source must not change");
        assertEquals(0, Files.size(out) % (1024 * 1024), "padded to whole 1 MiB cylinders");
        try (IsoVolume src = IsoVolume.open(source); IsoVolume o = IsoVolume.open(out)) {
            assertEquals("NIXOS_ISO", o.volumeId());
            // the tree's systemd-boot entries (what a copy of the files onto FAT32 boots) get kernelArgs as
            // replaced files; every other entry is the source's, in place
            assertSameEntries(src, o, java.util.Set.of("/loader/entries/nixos-livecd.conf",
                    "/loader/entries/nixos-debug.conf"));
            for (String f : List.of("/loader/entries/nixos-livecd.conf", "/loader/entries/nixos-debug.conf")) {
                String before = new String(read(src, src.find(f)), StandardCharsets.UTF_8);
                String after = new String(read(o, o.find(f)), StandardCharsets.UTF_8);
                assertEquals(before + "options console=ttyS0\n", after, f);
                // the source's bytes stay where they were, unreferenced
                IsoEntry.Extent x = src.find(f).extents().get(0);
                assertArrayEquals(read(src, src.find(f)), o.image().read(x.lba() * 2048, (int) x.length(), f));
            }
            for (String f : List.of("isolinux.bin", "ldlinux.c32", "libcom32.c32", "libutil.c32", "menu.c32",
                "syslinux.cfg")) {
                IsoEntry e = o.find("/isolinux/" + f);
                assertNotNull(e, f);
                assertEquals(0100444, e.mode());
                assertEquals(TIMESTAMP, e.mtime());
            }
            // isolinux.bin: the host's file with a boot info table for its place in the image
            IsoEntry bin = o.find("/isolinux/isolinux.bin");
            byte[] content = read(o, bin);
            byte[] host = Files.readAllBytes(Path.of("/usr/lib/ISOLINUX/isolinux.bin"));
            assertEquals(host.length, content.length);
            assertTrue(BootInfoTable.valid(content, 16, bin.extents().get(0).lba()));
            assertArrayEquals(java.util.Arrays.copyOfRange(host, 64, host.length),
                    java.util.Arrays.copyOfRange(content, 64, content.length));
            // the catalog: ISOLINUX as the BIOS entry, the source's EFI entry kept where it was
            BootCatalog srcCat = catalog(src);
            BootCatalog cat = catalog(o);
            CatalogEntry def = cat.defaultEntry();
            assertTrue(def.bootable());
            assertEquals(0, def.media());
            assertEquals(4, def.sectorCount());
            assertEquals(bin.extents().get(0).lba(), def.loadLba());
            assertEquals(1, cat.sections().size());
            assertEquals(CatalogEntry.PLATFORM_EFI, cat.sections().get(0).platform());
            assertEquals(srcCat.sections().get(0).entries().get(0).loadLba(),
                    cat.sections().get(0).entries().get(0).loadLba());
            // the generated config
            String cfg = new String(read(o, o.find("/isolinux/syslinux.cfg")), StandardCharsets.UTF_8);
            assertTrue(cfg.contains("SERIAL 0 115200\n"), cfg);
            assertTrue(cfg.contains("DEFAULT nixos-livecd\n"), cfg);
            assertTrue(cfg.contains("TIMEOUT 50\n"), cfg);
            assertTrue(cfg.contains("LABEL nixos-debug\n"), cfg);
            assertTrue(cfg.contains("  INITRD /boot/initrd,/boot/initrd-extra\n"), cfg);
            assertTrue(cfg.contains("  APPEND init=/nix/store/abc123-NixOS-Closure/init root=LABEL=NIXOS_ISO "
                    + "boot.shell_on_fail console=ttyS0\n"), cfg);
        }
        // BIOS-only (efi=none): the MBR and padding are byte for byte what isohybrid writes for the same
        // image and id (the UEFI layout is compared with isohybrid -u in UefiRemasterTest)
        Path biosOnly = dir.resolve("out/bios-only.iso");
        CheckedRemaster.run(RemasterOptions.of(source, biosOnly).withSerial(true)
                .withKernelArgs("console=ttyS0").withMbrId(MBR_ID).withTimestamp(TIMESTAMP).withEfi("none"));
        Path viaIsohybrid = IsohybridReference.of(biosOnly, dir.resolve("isohybrid.iso"), "0x12345678", false);
        assertEquals(-1L, Files.mismatch(biosOnly, viaIsohybrid), "differs from isohybrid's output");
        // xorriso reads the whole tree and the boot setup without complaint
        String report = HostTools.run("xorriso", "-indev", out.toString(), "-report_el_torito", "plain",
                "-report_system_area", "plain", "-find", "/", "-exec", "lsdl");
        assertTrue(report.contains("/isolinux/isolinux.bin"), report);
        assertTrue(report.contains("isohybrid-suitable"), report);
        assertTrue(report.contains("/level1/level2/level3/level4/level5/level6/level7/level8/level9/level10"), report);
        // java-iso-tools, a third reader, sees the same file data (through the Joliet tree)
        crossCheckWithJavaIsoTools(tree, out);
        // the same input gives the same bytes
        Path again = dir.resolve("again/usb.iso");
        CheckedRemaster.run(RemasterOptions.of(source, again).withSerial(true)
                .withKernelArgs("console=ttyS0").withTimestamp(TIMESTAMP));
        Path third = dir.resolve("third/usb.iso");
        CheckedRemaster.run(RemasterOptions.of(source, third).withSerial(true)
                .withKernelArgs("console=ttyS0").withTimestamp(TIMESTAMP));
        assertEquals(-1L, Files.mismatch(again, third), "two remasters of the same input differ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-iso-level=2", "-iso-level=4"})
    void movesTheRootDirectoryWhenTheNewRecordDoesNotFit(String level) throws Exception {
        Path dir = HostTools.workDir("remaster-full-root" + level);
        String[] levelArgs = level.split("=");
        Path source = null;
        for (int n = 1; n < 120 && source == null; n++) {
            Path tree = SourceIsos.nixosTree(dir.resolve("t" + n), true);
            for (int i = 0; i < n; i++) {
                Files.writeString(tree.resolve(String.format("filler-file-with-a-long-name-%03d.dat", i)), "x" + i);
            }
            SourceIsos.touchAll(tree);
            Path iso = SourceIsos.genisoimage(dir, tree, "src" + n + ".iso", levelArgs);
            try (IsoVolume v = IsoVolume.open(iso)) {
                if (freeInLastBlock(v) < 100) {
                    source = iso;
                }
            }
        }
        assertNotNull(source, "could not make a source whose root directory is full");
        Path out = dir.resolve("usb.iso");
        CheckedRemaster.run(RemasterOptions.of(source, out).withTimestamp(TIMESTAMP));
        try (IsoVolume src = IsoVolume.open(source); IsoVolume o = IsoVolume.open(out)) {
            assertNotEquals(src.rootDirectory().extent(), o.rootDirectory().extent(), "the root should have moved");
            assertTrue(o.rootDirectory().extent() >= src.image().blocks(), "moved into the appended area");
            // ISO 9660:1999 (-iso-level 4) adds an enhanced descriptor sharing the primary's tree: it moves too
            int sharing = 0;
            for (var d : o.descriptors()) {
                if (d.type() == 2 && d.version() == 2) {
                    assertEquals(o.rootDirectory().extent(), d.rootRecord().extent());
                    assertEquals(o.primary().lPathTableLba(), d.lPathTableLba());
                    sharing++;
                }
            }
            assertEquals(level.endsWith("4") ? 1 : 0, sharing);
            assertSameEntries(src, o);
            // every subdirectory's ".." now points at the moved root
            for (IsoEntry e : o.root().children()) {
                if (e.isDirectory() && e.directory().parent() == o.rootDirectory()) {
                    assertEquals(o.rootDirectory().extent(), e.directory().parentRecord().extent(), e.path());
                }
            }
        }
        // xorriso and isoinfo read the moved tree (isoinfo walks the path table)
        String listing = HostTools.run("xorriso", "-indev", out.toString(), "-find", "/", "-type", "f");
        assertTrue(listing.contains("/isolinux/syslinux.cfg"), listing);
        HostTools.require("isoinfo");
        String paths = HostTools.run("isoinfo", "-R", "-f", "-i", out.toString());
        assertTrue(paths.contains("/isolinux/ldlinux.c32"), paths);
        assertTrue(paths.contains("/filler-file-with-a-long-name-000.dat"), paths);
    }

    @Test
    void replacesThePreviousImageAndLeavesNoTemporaryFile() throws Exception {
        Path dir = HostTools.workDir("remaster-replace");
        Path source = SourceIsos.genisoimage(dir, SourceIsos.nixosTree(dir, true), "src.iso");
        Path out = dir.resolve("out/usb.iso");
        RemasterOptions o = RemasterOptions.of(source, out).withMbrId(MBR_ID).withTimestamp(TIMESTAMP);
        RemasterResult first = CheckedRemaster.run(o);
        byte[] image = Files.readAllBytes(out);
        Files.write(out, new byte[] {1, 2, 3}); // a stale image of another build
        RemasterResult second = CheckedRemaster.run(o);
        assertEquals(first.sha256(), second.sha256());
        assertArrayEquals(image, Files.readAllBytes(out));
        try (var files = Files.list(out.getParent())) {
            assertEquals(List.of(out), files.toList(), "only the image is left in the output directory");
        }
    }

    @Test
    void copiesTheKernelAndInitrdOutOfTheEfiImage() throws Exception {
        Path dir = HostTools.workDir("remaster-efi-only");
        Path tree = SourceIsos.nixosTree(dir, false);
        Path entry = dir.resolve("nixos-livecd.conf");
        Files.writeString(entry, "title NixOS\nlinux /bzImage\ninitrd /efi/nixos/initrd\n"
                + "options init=/nix/store/x/init root=LABEL=NIXOS_ISO\n");
        Path loader = dir.resolve("loader.conf");
        Files.writeString(loader, "default nixos-livecd\ntimeout 3\n");
        SourceIsos.efiImage(tree.resolve("boot"), "efi.img", new String[][] {
            {"/loader/entries/nixos-livecd.conf", entry.toString()},
            {"/loader/loader.conf", loader.toString()},
            {"/bzImage", tree.resolve("boot/bzImage").toString()},
            {"/efi/nixos/initrd", tree.resolve("boot/initrd").toString()}});
        SourceIsos.touchAll(tree);
        Path source = SourceIsos.genisoimage(dir, tree, "src.iso", "-eltorito-alt-boot", "-e", "boot/efi.img",
                "-no-emul-boot");
        Path out = dir.resolve("usb.iso");
        RemasterResult r = CheckedRemaster.run(RemasterOptions.of(source, out).withTimestamp(TIMESTAMP));
        assertTrue(r.config().contains("LINUX /bzImage\n"), r.config());
        assertTrue(r.config().contains("INITRD /efi/nixos/initrd\n"), r.config());
        try (IsoVolume o = IsoVolume.open(out)) {
            assertArrayEquals(Files.readAllBytes(tree.resolve("boot/bzImage")), read(o, o.find("/bzImage")));
            assertArrayEquals(Files.readAllBytes(tree.resolve("boot/initrd")), read(o, o.find("/efi/nixos/initrd")));
            assertEquals(040555, o.find("/efi").mode());
        }
        String efiListing = HostTools.run("xorriso", "-indev", out.toString(), "-find", "/efi", "-exec", "lsdl");
        assertTrue(efiListing.contains("'/efi/nixos/initrd'") && efiListing.matches("(?s).*dr-xr-xr-x.*'/efi'.*"),
                "xorriso must list the added /efi tree: " + efiListing);
    }

    @Test
    void onlyAddsTheMbrWhenTheSourceAlreadyBootsWithIsolinux() throws Exception {
        HostTools.require("isohybrid", "genisoimage");
        Path dir = HostTools.workDir("remaster-isolinux-source");
        Path tree = SourceIsos.nixosTree(dir, false);
        Files.createDirectories(tree.resolve("isolinux"));
        Files.copy(Path.of("/usr/lib/ISOLINUX/isolinux.bin"), tree.resolve("isolinux/isolinux.bin"));
        Files.copy(Path.of("/usr/lib/syslinux/modules/bios/ldlinux.c32"), tree.resolve("isolinux/ldlinux.c32"));
        Files.writeString(tree.resolve("isolinux/isolinux.cfg"), "DEFAULT linux\nLABEL linux\n  LINUX /boot/bzImage\n");
        Path source = dir.resolve("src.iso");
        HostTools.run("genisoimage", "-quiet", "-o", source.toString(), "-V", "ISOLINUX_SRC", "-R", "-J", "-b",
                "isolinux/isolinux.bin", "-c", "isolinux/boot.cat", "-no-emul-boot", "-boot-load-size", "4",
                "-boot-info-table", tree.toString());
        Path out = dir.resolve("usb.iso");
        RemasterResult r = CheckedRemaster.run(RemasterOptions.of(source, out).withMbrId(MBR_ID));
        assertEquals(RemasterPlan.Route.KEEP_ISOLINUX, r.route());
        assertNull(r.config());
        Path viaIsohybrid = dir.resolve("isohybrid.iso");
        Files.copy(source, viaIsohybrid);
        HostTools.run("isohybrid", "-id", "0x12345678", viaIsohybrid.toString());
        assertEquals(-1L, Files.mismatch(out, viaIsohybrid), "differs from isohybrid's output");
    }

    @Test
    void convertsAGrubMenuWhenThereAreNoSystemdBootEntries() throws Exception {
        Path dir = HostTools.workDir("remaster-grub-only");
        Path tree = SourceIsos.nixosTree(dir, false);
        Files.createDirectories(tree.resolve("boot/grub"));
        Files.writeString(tree.resolve("boot/grub/grub.cfg"), "set timeout=3\nmenuentry 'NixOS Installer' {\n"
                + "  linux /boot/bzImage init=/nix/store/abc123-NixOS-Closure/init root=LABEL=NIXOS_ISO\n"
                + "  initrd /boot/initrd\n}\n");
        SourceIsos.touchAll(tree);
        Path source = SourceIsos.genisoimage(dir, tree, "grub-only.iso");
        RemasterResult r = CheckedRemaster.run(RemasterOptions.of(source, dir.resolve("usb.iso"))
                .withEfi("none"));
        assertEquals(List.of("nixos-installer"), r.entries());
        assertTrue(r.config().contains("# Generated by nixusb from grub-only.iso!/boot/grub/grub.cfg\n"), r.config());
        assertTrue(r.config().contains("TIMEOUT 30\n") && r.config().contains("  LINUX /boot/bzImage\n")
                && r.config().contains("  INITRD /boot/initrd\n"), r.config());
    }

    @Test
    void convertsASourceWithoutRockRidge() throws Exception {
        Path dir = HostTools.workDir("remaster-plain-iso9660");
        Path tree = SourceIsos.nixosTree(dir, true);
        // plain ISO 9660 cuts names to 8.3, so the entry may only name 8.3-safe files (ISOLINUX could not
        // find others either; the missing-kernel error is tested elsewhere)
        Files.writeString(tree.resolve("loader/entries/nixos-livecd.conf"),
                "title NixOS\nlinux /boot/bzImage\ninitrd /boot/initrd\noptions root=LABEL=PLAIN\n");
        Path source = dir.resolve("plain.iso");
        HostTools.run("genisoimage", "-quiet", "-o", source.toString(), "-V", "PLAIN", "-b", "boot/dummy-boot.img",
                "-c", "boot/boot.cat", "-no-emul-boot", "-boot-load-size", "4", tree.toString());
        Path out = dir.resolve("usb.iso");
        RemasterResult r = CheckedRemaster.run(RemasterOptions.of(source, out).withTimestamp(TIMESTAMP));
        assertTrue(r.config().contains("LINUX /BOOT/BZIMAGE\n"), r.config());
        try (IsoVolume src = IsoVolume.open(source); IsoVolume o = IsoVolume.open(out)) {
            assertFalse(o.rockRidge());
            assertNotNull(o.find("/ISOLINUX/ISOLINUX.BIN"));
            assertNotNull(o.find("/ISOLINUX/SYSLINUX.CFG"));
            for (IsoEntry s : src.walk()) {
                assertNotNull(o.find(s.path()), s.path());
            }
        }
        String listing = HostTools.run("xorriso", "-indev", out.toString(), "-find", "/", "-type", "f");
        assertTrue(listing.contains("/ISOLINUX/LDLINUX.C32"), listing);
    }

    // ---------------------------------------------------------------------------------------------

    /** Every entry of the source is in the output with the same name, type, mode, times, link and data. */
    static void assertSameEntries(IsoVolume src, IsoVolume out) throws Exception {
        assertSameEntries(src, out, java.util.Set.of());
    }

    /** {@link #assertSameEntries(IsoVolume, IsoVolume)} but for the files in {@code rewritten} (checked apart). */
    static void assertSameEntries(IsoVolume src, IsoVolume out, java.util.Set<String> rewritten) throws Exception {
        int n = 0;
        for (IsoEntry s : src.walk()) {
            if (rewritten.contains(s.path())) {
                assertNotNull(out.find(s.path()), "missing in the output: " + s.path());
                n++;
                continue;
            }
            IsoEntry o = out.find(s.path());
            assertNotNull(o, "missing in the output: " + s.path());
            assertEquals(s.isDirectory(), o.isDirectory(), s.path());
            assertEquals(s.symlinkTarget(), o.symlinkTarget(), s.path());
            assertEquals(s.mode(), o.mode(), s.path());
            assertEquals(s.mtime(), o.mtime(), s.path());
            assertEquals(s.records().get(0).identifierText(false), o.records().get(0).identifierText(false));
            if (!s.isDirectory()) {
                assertEquals(s.extents(), o.extents(), "file data stays where it was: " + s.path());
                assertArrayEquals(read(src, s), read(out, o), s.path());
            }
            n++;
        }
        assertTrue(n > 20);
    }

    static void crossCheckWithJavaIsoTools(Path tree, Path iso) throws Exception {
        int checked = 0;
        try (Iso9660FileSystem fs = new Iso9660FileSystem(iso.toFile(), true)) {
            for (Iso9660FileEntry e : fs) {
                Path host = tree.resolve(e.getPath());
                if (e.isDirectory() || !Files.isRegularFile(host) || e.getPath().contains("dummy-boot")
                        || e.getPath().endsWith("boot.cat")) {
                    continue;
                }
                try (InputStream in = fs.getInputStream(e)) {
                    assertArrayEquals(Files.readAllBytes(host), in.readAllBytes(), e.getPath());
                }
                checked++;
            }
        }
        assertTrue(checked >= 8, "java-iso-tools checked only " + checked + " files");
    }

    static int freeInLastBlock(IsoVolume v) {
        int used = 0;
        for (var r : v.rootDirectory().records()) {
            if (used + r.length() > ImageFile.BLOCK) {
                used = 0;
            }
            used += r.length();
        }
        return ImageFile.BLOCK - used;
    }

    static BootCatalog catalog(IsoVolume v) throws Exception {
        long lba = Bytes.u32le(v.bootRecord().data(), 71);
        return BootCatalog.parse(v.image().readBlock(lba, "catalog"));
    }

    static byte[] read(IsoVolume v, IsoEntry e) throws Exception {
        return v.read(e);
    }
}
