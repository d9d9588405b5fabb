package org.nixusb.iso9660;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.nixusb.remaster.RemasterOptions;
import org.nixusb.testing.CheckedRemaster;
import org.nixusb.testing.HostTools;

/**
 * A 4.5 GiB file is stored in several extents (xorriso -iso-level 3). The reader joins them, and the
 * remaster keeps them: the file reads back byte-identical through xorriso, an independent reader, and
 * the SHA-256 the remaster computes during its copy is the written image's.
 */
class MultiExtentTest {

    @Test
    void aFourAndAHalfGiBFileRoundTripsByteIdentical() throws Exception {
        HostTools.require("xorriso");
        Path dir = HostTools.workDir("multi-extent");
        Path tree = dir.resolve("tree");
        Files.createDirectories(tree.resolve("boot"));
        Files.createDirectories(tree.resolve("loader/entries"));
        long size = 4608L * 1024 * 1024 + 12345; // 4.5 GiB and a bit
        Path bigHost = tree.resolve("nix-store.squashfs");
        try (RandomAccessFile f = new RandomAccessFile(bigHost.toFile(), "rw")) {
            f.setLength(size);
            f.seek(0);
            f.write("head!".getBytes());
            f.seek(4L * 1024 * 1024 * 1024 - 2); // across the 4 GiB extent boundary
            f.write("boundary".getBytes());
            f.seek(size - 5);
            f.write("tail!".getBytes());
        }
        Files.writeString(tree.resolve("small.txt"), "small\n");
        Files.write(tree.resolve("boot/bzImage"), new byte[4096]);
        Files.write(tree.resolve("boot/cd.img"), new byte[2048]);
        Files.writeString(tree.resolve("loader/entries/live.conf"), "title Live\nlinux /boot/bzImage\n");
        Path iso = dir.resolve("big.iso");
        Path out = dir.resolve("usb.iso");
        try {
            HostTools.run("xorriso", "-as", "mkisofs", "-quiet", "-iso-level", "3", "-R", "-V", "BIG", "-b",
                    "boot/cd.img", "-no-emul-boot", "-o", iso.toString(), tree.toString());
            // the source is nearly all zeros: made sparse, the test needs room for one image (the output), not
            // three; the remaster reads holes as zeros like any other reader
            if (HostTools.onPath("fallocate")) {
                HostTools.run("fallocate", "--dig-holes", iso.toString());
            }
            try (IsoVolume v = IsoVolume.open(iso)) {
                IsoEntry big = v.find("/nix-store.squashfs");
                assertNotNull(big);
                assertTrue(big.extents().size() >= 2, "extents: " + big.extents());
                assertEquals(size, big.size());
                // a FAT32 copy of these files cannot hold it
                String tooLarge = org.nixusb.lint.FatCopyCheck.check(v).stream()
                        .filter(f -> f.id().equals("FAT_COPY_FILE_TOO_LARGE")).findFirst().orElseThrow().problem();
                assertTrue(tooLarge.contains("/nix-store.squashfs (" + size + " bytes)"), tooLarge);
                IsoEntry.Extent last = big.extents().get(big.extents().size() - 1);
                byte[] tail = v.image().read(last.lba() * ImageFile.BLOCK + last.length() - 5, 5, "tail");
                assertEquals("tail!", new String(tail));
            }
            // with the SHA-256 computed from the source and the changes, past 4 GiB, checked against the file
            CheckedRemaster.run(RemasterOptions.of(iso, out).withEfi("none"));
            try (IsoVolume src = IsoVolume.open(iso); IsoVolume o = IsoVolume.open(out)) {
                assertEquals(src.find("/nix-store.squashfs").extents(), o.find("/nix-store.squashfs").extents());
                assertEquals(size, o.find("/nix-store.squashfs").size());
                assertNotNull(o.find("/isolinux/isolinux.bin"));
            }
            // xorriso compares the file in the output with the host file, byte for byte, without a third copy
            String compared = HostTools.run("xorriso", "-indev", out.toString(), "-compare", bigHost.toString(),
                    "/nix-store.squashfs");
            assertTrue(compared.contains("Both file objects match") && !compared.contains("Differences detected"),
                    "the 4.5 GiB file differs after the remaster:\n" + compared);
        } finally {
            for (Path p : new Path[] {iso, out, bigHost}) {
                Files.deleteIfExists(p);
            }
        }
    }
}
