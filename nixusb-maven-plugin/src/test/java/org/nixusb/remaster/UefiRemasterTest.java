package org.nixusb.remaster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nixusb.binary.Bytes;
import org.nixusb.testing.CheckedRemaster;
import org.nixusb.BadInputException;
import org.nixusb.eltorito.BootCatalog;
import org.nixusb.eltorito.CatalogEntry;
import org.nixusb.fat.FatFileSystem;
import org.nixusb.hybrid.UefiStickCheck;
import org.nixusb.iso9660.IsoEntry;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.IsohybridReference;
import org.nixusb.testing.SourceIsos;

/** UEFI: the kept or created EFI image, the 0xEF MBR slot and the GPT, checked against isohybrid -u and disk tools. */
class UefiRemasterTest {
    static final Instant T = Instant.parse("2024-01-01T00:00:00Z");

    static Path sourceWithEfi(Path dir) throws Exception {
        return SourceIsos.withEfiImage(dir, "not really an EFI program".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void keepsTheEfiImageWithALayoutEqualToIsohybridUefiButForItsRandomGuids() throws Exception {
        HostTools.require("isohybrid", "fdisk", "sgdisk", "xorriso");
        Path dir = HostTools.workDir("uefi-keep");
        Path source = sourceWithEfi(dir);
        assertFalse(UefiStickCheck.uefiUsbProblems(source).isEmpty(), "the CD-only source is not a UEFI stick");
        Path out = dir.resolve("usb.iso");
        CheckedRemaster.run(RemasterOptions.of(source, out).withMbrId(0x12345678L).withTimestamp(T));
        assertEquals(List.of(), UefiStickCheck.uefiUsbProblems(out));

        // isohybrid -u on the same ISO (our output without its system area and padding)
        Path ref = IsohybridReference.of(out, dir.resolve("isohybrid-u.iso"), "0x12345678", true);
        byte[] a = Files.readAllBytes(out);
        byte[] b = Files.readAllBytes(ref);
        assertEquals(b.length, a.length, "padded size");
        long total = a.length / 512;
        // GUIDs are random in isohybrid (ours are derived) and the CRCs cover them: mask both, compare the rest
        for (long header : new long[] {1, total - 1}) {
            int h = (int) (header * 512);
            for (int[] r : new int[][] {{16, 4}, {56, 16}, {88, 4}}) {
                Arrays.fill(a, h + r[0], h + r[0] + r[1], (byte) 0);
                Arrays.fill(b, h + r[0], h + r[0] + r[1], (byte) 0);
            }
            long entries = Bytes.u32le(a, h + 72);
            for (int i = 0; i < 128; i++) {
                int e = (int) (entries * 512) + i * 128 + 16;
                Arrays.fill(a, e, e + 16, (byte) 0);
                Arrays.fill(b, e, e + 16, (byte) 0);
            }
        }
        assertEquals(-1, Arrays.mismatch(a, b), "differs from isohybrid -u beyond GUIDs and CRCs");

        // the disk tools read it; sgdisk reports only the overlaps that isohybrid's own layout has
        String fdisk = HostTools.run("fdisk", "-l", out.toString());
        assertTrue(fdisk.contains("ef EFI"), fdisk);
        Process verify = new ProcessBuilder("sgdisk", "-v", out.toString()).redirectErrorStream(true).start();
        String sgdisk = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(verify.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "sgdisk hung");
        // its exit status says whether it found problems; the only ones allowed are isohybrid's own overlaps
        assertEquals(verify.exitValue() == 0, sgdisk.contains("No problems found"), "sgdisk exit "
                + verify.exitValue() + ": " + sgdisk);
        for (String line : sgdisk.split("\n")) {
            if (line.startsWith("Problem:") || line.startsWith("Warning!")) {
                assertTrue(line.contains("overlap"), "unexpected sgdisk report: " + sgdisk);
            }
        }
        assertFalse(sgdisk.contains("CRC"), sgdisk);
        assertFalse(sgdisk.contains("Creating new GPT entries") || sgdisk.contains("Found invalid GPT"),
                "sgdisk reads the image's own GPT: " + sgdisk);
        String xorriso = HostTools.run("xorriso", "-indev", out.toString(), "-report_system_area", "plain");
        assertTrue(xorriso.contains("GPT entry array") && xorriso.contains("0xef"), xorriso);

        // negative controls: the check sees a missing 0xEF slot and a broken GPT copy
        Path noSlot = corrupt(dir, out, "no-slot.iso", 446 + 16 + 4, new byte[] {0});
        assertTrue(UefiStickCheck.uefiUsbProblems(noSlot).get(0).contains("0xEF"));
        Path badCrc = corrupt(dir, out, "bad-crc.iso", 512 + 16, new byte[] {1, 2, 3, 4});
        assertTrue(UefiStickCheck.uefiUsbProblems(badCrc).contains("primary GPT header CRC is wrong"));
        Path badBackup = corrupt(dir, out, "bad-backup.iso", (total - 1) * 512 + 40, new byte[] {1});
        assertTrue(UefiStickCheck.uefiUsbProblems(badBackup).contains("backup GPT header CRC is wrong"));
    }

    @Test
    void createsAGrubEfiImageForABiosOnlySourceReproducibly() throws Exception {
        Path dir = HostTools.workDir("uefi-create");
        Path source = SourceIsos.genisoimage(dir, SourceIsos.nixosTree(dir, true), "bios.iso");
        Path out = dir.resolve("a/usb.iso");
        RemasterOptions o = RemasterOptions.of(source, out).withTimestamp(T).withSerial(true)
                .withKernelArgs("console=ttyS0");
        CheckedRemaster.run(o);
        assertEquals(List.of(), UefiStickCheck.uefiUsbProblems(out));
        byte[] grub; // the bundled GRUB (nixusb-bootloaders), which the remaster takes by default
        try (var in = getClass().getClassLoader().getResourceAsStream("org/nixusb/bootloaders/efi/grubx64.efi")) {
            grub = in.readAllBytes();
        }
        try (IsoVolume v = IsoVolume.open(out)) {
            IsoEntry efi = v.find("/boot/efi.img");
            assertNotNull(efi);
            BootCatalog cat = BootCatalog.parse(v.image().readBlock(Bytes.u32le(v.bootRecord().data(), 71), "cat"));
            CatalogEntry e = cat.sections().get(cat.sections().size() - 1).entries().get(0);
            assertEquals(CatalogEntry.PLATFORM_EFI, cat.sections().get(cat.sections().size() - 1).platform());
            assertEquals(efi.extents().get(0).lba(), e.loadLba());
            assertEquals(efi.size() / 512, e.sectorCount());
            String isoCfg = new String(v.read(v.find("/boot/grub/x86_64-efi/grub.cfg")), StandardCharsets.UTF_8);
            assertTrue(isoCfg.contains("search --no-floppy --set=root --label NIXOS_ISO"), isoCfg);
            assertTrue(isoCfg.contains("linux /boot/bzImage init=/nix/store/abc123-NixOS-Closure/init"), isoCfg);
            assertTrue(isoCfg.contains("initrd /boot/initrd /boot/initrd-extra"), isoCfg);
            try (FileChannel ch = FileChannel.open(out, StandardOpenOption.READ)) {
                FatFileSystem fat = FatFileSystem.open(ch, efi.extents().get(0).lba() * 2048, efi.size());
                assertArrayEquals(grub, fat.readAll(fat.find("/EFI/BOOT/BOOTX64.EFI")));
                assertEquals(isoCfg, new String(fat.readAll(fat.find("/EFI/BOOT/grub.cfg")), StandardCharsets.UTF_8));
            }
        }
        Path again = dir.resolve("b/usb.iso");
        CheckedRemaster.run(RemasterOptions.of(source, again).withKernelArgs("console=ttyS0")
                .withSerial(true).withTimestamp(T));
        assertEquals(-1L, Files.mismatch(out, again), "two builds of the UEFI image differ");
    }

    /**
     * The layout of Ubuntu's media since 20.10, made by xorriso: a GRUB menu, and the EFI image not in the
     * tree but in a partition appended after the ISO 9660 volume, which the El Torito EFI entry points at.
     * The appended partition is kept byte for byte at its place, the new data goes after it, and the
     * 0xEF slot and the GPT name it.
     */
    @Test
    void keepsAnEfiPartitionAppendedAfterTheVolume() throws Exception {
        HostTools.require("xorriso");
        Path dir = HostTools.workDir("uefi-appended");
        Path tree = SourceIsos.nixosTree(dir, false);
        Files.createDirectories(tree.resolve("boot/grub"));
        Files.writeString(tree.resolve("boot/grub/grub.cfg"), String.join("\n", "set timeout=5",
                "menuentry \"Try or Install\" {", "  set gfxpayload=keep",
                "  linux /boot/bzImage root=LABEL=NIXOS_ISO --- quiet splash", "  initrd /boot/initrd", "}", ""));
        Path payload = dir.resolve("BOOTX64.EFI");
        Files.write(payload, "appended EFI program".getBytes(StandardCharsets.US_ASCII));
        Path esp = SourceIsos.efiImage(dir, "esp.img", new String[][] {{"/EFI/BOOT/BOOTX64.EFI", payload.toString()}});
        SourceIsos.touchAll(tree);
        Path source = SourceIsos.xorriso(dir, tree, "src.iso", "-b", "boot/dummy-boot.img", "-no-emul-boot",
                "-boot-load-size", "4", "-append_partition", "2", "0xef", esp.toString(), "-eltorito-alt-boot",
                "-e", "--interval:appended_partition_2:all::", "-no-emul-boot");
        long volumeEnd;
        long espLba;
        try (IsoVolume v = IsoVolume.open(source)) {
            volumeEnd = v.primary().volumeSpaceSize();
            BootCatalog c = BootCatalog.parse(v.image().readBlock(Bytes.u32le(v.bootRecord().data(), 71), "catalog"));
            espLba = c.entries().stream().filter(e -> e.platform() == CatalogEntry.PLATFORM_EFI).findFirst()
                    .orElseThrow().loadLba();
            assertTrue(espLba >= volumeEnd, "the EFI image lies after the volume: " + espLba + " >= " + volumeEnd);
        }
        byte[] espBytes = Files.readAllBytes(esp);
        Path out = dir.resolve("usb.iso");
        RemasterResult r = CheckedRemaster.run(RemasterOptions.of(source, out).withTimestamp(T));
        assertEquals(RemasterPlan.Route.CONVERT, r.route());
        assertTrue(r.bootFileLba() * 2048 >= Files.size(source), "new data goes after the appended partition");
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.READ); IsoVolume o = IsoVolume.open(out)) {
            byte[] kept = new byte[espBytes.length];
            ch.read(java.nio.ByteBuffer.wrap(kept), espLba * 2048);
            assertArrayEquals(espBytes, kept, "the appended EFI partition is kept at its place");
            BootCatalog c = BootCatalog.parse(o.image().readBlock(Bytes.u32le(o.bootRecord().data(), 71), "catalog"));
            assertEquals(espLba, c.entries().stream().filter(e -> e.platform() == CatalogEntry.PLATFORM_EFI)
                    .findFirst().orElseThrow().loadLba());
            byte[] mbr = o.image().read(0, 512, "MBR");
            assertEquals(0xEF, mbr[446 + 16 + 4] & 0xFF, "partition 2 is the EFI system partition");
            assertEquals(espLba * 4, Bytes.u32le(mbr, 446 + 16 + 8));
            assertEquals("EFI PART", new String(o.image().read(512, 8, "GPT header"), StandardCharsets.US_ASCII));
            String cfg = new String(RemasterTest.read(o, o.find("/isolinux/syslinux.cfg")), StandardCharsets.UTF_8);
            assertTrue(cfg.contains("root=LABEL=NIXOS_ISO --- quiet splash"), cfg);
        }
        String listing = HostTools.run("xorriso", "-indev", out.toString(), "-find", "/isolinux", "-name",
                "isolinux.bin");
        assertTrue(listing.contains("isolinux.bin"), listing);
    }

    @Test
    void efiNoneDropsTheEfiEntryAndWritesABiosOnlyMbr() throws Exception {
        Path dir = HostTools.workDir("uefi-none");
        Path source = sourceWithEfi(dir);
        Path out = dir.resolve("usb.iso");
        CheckedRemaster.run(RemasterOptions.of(source, out).withEfi("none"));
        try (IsoVolume v = IsoVolume.open(out)) {
            BootCatalog cat = BootCatalog.parse(v.image().readBlock(Bytes.u32le(v.bootRecord().data(), 71), "cat"));
            assertTrue(cat.sections().isEmpty(), "no EFI section");
        }
        byte[] head = Arrays.copyOf(Files.readAllBytes(out), 1024);
        assertEquals(0x17, head[446 + 4] & 0xFF);
        assertEquals(0, head[446 + 16 + 4]);
        assertFalse(new String(head, 512, 8, StandardCharsets.US_ASCII).equals("EFI PART"));
        assertEquals("there is no El Torito EFI boot image", UefiStickCheck.uefiUsbProblems(out).get(0));
    }

    @Test
    void efiKeepWithoutAnEfiImageIsAClearError() throws Exception {
        Path dir = HostTools.workDir("uefi-keep-missing");
        Path source = SourceIsos.genisoimage(dir, SourceIsos.nixosTree(dir, true), "bios.iso");
        BadInputException e = assertThrows(BadInputException.class, () -> CheckedRemaster.run(
                RemasterOptions.of(source, dir.resolve("usb.iso")).withEfi("keep")));
        assertTrue(e.getMessage().contains("efi=keep") && e.getMessage().contains("the efi option to create"), e.getMessage());
        e = assertThrows(BadInputException.class, () -> CheckedRemaster.run(
                RemasterOptions.of(source, dir.resolve("usb.iso")).withEfi("create").withGrubEfi(dir.resolve("nope"))));
        assertTrue(e.getMessage().contains("the grubEfi option") && e.options().contains("grubEfi"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("usb.iso")));
    }

    private static Path corrupt(Path dir, Path image, String name, long offset, byte[] value) throws Exception {
        Path p = dir.resolve(name);
        Files.copy(image, p, StandardCopyOption.REPLACE_EXISTING);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.seek(offset);
            f.write(value);
        }
        return p;
    }
}
