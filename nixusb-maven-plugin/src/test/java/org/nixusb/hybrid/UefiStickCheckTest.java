package org.nixusb.hybrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.SourceIsos;

/**
 * The UEFI layout check on system areas made by xorriso: an MBR-only EFI partition (as memtest86+
 * ships) is a layout UEFI firmware reads; damaged GPT header fields are problems, not exceptions.
 */
class UefiStickCheckTest {
    private static Path image(Path dir, String name, String... layout) throws Exception {
        Path tree = SourceIsos.nixosTree(dir.resolve(name + "-tree"), false);
        Path payload = dir.resolve("BOOTX64.EFI");
        Files.write(payload, "stand-in".getBytes(StandardCharsets.US_ASCII));
        Path esp = SourceIsos.efiImage(dir, name + "-esp.img", new String[][] {{"/EFI/BOOT/BOOTX64.EFI",
            payload.toString()}});
        Files.copy(esp, tree.resolve("boot/efi.img"));
        List<String> cmd = HostTools.list("xorriso", "-as", "mkisofs", "-quiet", "-R", "-o",
                dir.resolve(name + ".iso").toString(), "-b", "boot/dummy-boot.img", "-c", "boot/boot.cat",
                "-no-emul-boot", "-boot-load-size", "4", "-eltorito-alt-boot", "-e", "boot/efi.img", "-no-emul-boot");
        cmd.addAll(List.of(layout));
        cmd.add(tree.toString());
        HostTools.run(cmd.toArray(new String[0]));
        return dir.resolve(name + ".iso");
    }

    @Test
    void anMbrEfiPartitionWithoutGptIsEnoughAndDamagedGptFieldsAreProblems() throws Exception {
        HostTools.require("xorriso", "mkfs.vfat", "mcopy");
        Path dir = HostTools.workDir("hybrid-layout");
        Path gpt = image(dir, "gpt", "-isohybrid-mbr", "/usr/lib/ISOLINUX/isohdpfx.bin", "-isohybrid-gpt-basdat");
        assertEquals(List.of(), UefiStickCheck.uefiUsbProblems(gpt));

        // memtest86+'s layout: the EFI image appended as MBR partition 2 (type 0xEF), no GPT
        Path mbrOnly = dir.resolve("mbr-only.iso");
        Path tree = SourceIsos.nixosTree(dir.resolve("mbr-only-tree"), false);
        HostTools.run("xorriso", "-as", "mkisofs", "-quiet", "-R", "-o", mbrOnly.toString(), "-b",
                "boot/dummy-boot.img", "-c", "boot/boot.cat", "-no-emul-boot", "-boot-load-size", "4",
                "-append_partition", "2", "0xef", dir.resolve("gpt-esp.img").toString(), "-eltorito-alt-boot", "-e",
                "--interval:appended_partition_2:all::", "-no-emul-boot", tree.toString());
        assertTrue(HostTools.run("xorriso", "-indev", mbrOnly.toString(), "-report_system_area", "plain")
                .matches("(?s).*MBR partition  *:   2   0x00  0xef.*"), "xorriso made an 0xEF MBR partition");
        assertEquals(List.of(), UefiStickCheck.uefiUsbProblems(mbrOnly));

        for (long[] damage : new long[][] {{11}, {0xFFFFFFFFL}, {0x7FFFFFFFL}}) {
            Path bad = dir.resolve("bad-size.iso");
            Files.copy(gpt, bad, StandardCopyOption.REPLACE_EXISTING);
            try (RandomAccessFile f = new RandomAccessFile(bad.toFile(), "rw")) {
                f.seek(512 + 12);
                f.write(new byte[] {(byte) damage[0], (byte) (damage[0] >> 8), (byte) (damage[0] >> 16),
                    (byte) (damage[0] >> 24)});
            }
            assertEquals(List.of("primary GPT header has an impossible size (" + damage[0] + " bytes)"),
                    UefiStickCheck.uefiUsbProblems(bad));
        }
    }
}
