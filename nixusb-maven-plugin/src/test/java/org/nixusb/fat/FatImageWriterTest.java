package org.nixusb.fat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.nixusb.testing.HostTools;

/** The FAT16 writer, read back by our FAT reader, by fsck.fat and by mtools. */
class FatImageWriterTest {

    @Test
    void writesFilesThatThreeReadersSeeAndTheSameBytesTwice() throws Exception {
        HostTools.require("fsck.fat", "mtype", "mdir");
        Path dir = HostTools.workDir("fat-writer");
        Random r = new Random(7);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("/EFI/BOOT/BOOTX64.EFI", bytes(r, 1_500_000));
        files.put("/EFI/BOOT/grub.cfg", "set timeout=1\n".getBytes());
        files.put("/boot/grub/x86_64-efi/A Long Mixed-Case Name.conf", bytes(r, 513));
        files.put("/boot/grub/x86_64-efi/empty", new byte[0]);
        files.put("/loader/entries/nixos-livecd.conf", bytes(r, 2048));
        files.put("/README.TXT", bytes(r, 1));
        FatImageWriter w = new FatImageWriter("EFIBOOT", 0x1234ABCDL, Instant.parse("2024-01-01T00:00:00Z"));
        files.forEach(w::add);
        byte[] img = w.build();
        assertEquals(0, img.length % (1024 * 1024));
        Path file = dir.resolve("efi.img");
        Files.write(file, img);

        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            FatFileSystem fs = FatFileSystem.open(ch, 0, img.length);
            assertEquals(16, fs.fatBits());
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                FatFileSystem.FatEntry e = fs.find(f.getKey());
                assertNotNull(e, f.getKey());
                assertEquals(f.getKey().substring(f.getKey().lastIndexOf('/') + 1), e.name());
                assertArrayEquals(f.getValue(), fs.readAll(e), f.getKey());
                // the head across cluster boundaries is the file's first bytes, a short file whole
                assertArrayEquals(java.util.Arrays.copyOf(f.getValue(), Math.min(f.getValue().length, 10_000)),
                        fs.readHead(e, 10_000), f.getKey());
            }
            assertEquals(img.length, FatFileSystem.declaredSize(ch, 0));
        }
        String fsck = HostTools.run("fsck.fat", "-n", file.toString());
        assertTrue(fsck.contains("14 files") && !fsck.toLowerCase().contains("error"), fsck); // 6 files, 7 directories, the volume label
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path out = dir.resolve("mtools-copy");
            Files.deleteIfExists(out);
            HostTools.run("mcopy", "-n", "-i", file.toString(), "::" + f.getKey(), out.toString());
            assertArrayEquals(f.getValue(), Files.readAllBytes(out), "mtools: " + f.getKey());
        }
        String listing = HostTools.run("mdir", "-/", "-i", file.toString(), "::/");
        assertTrue(listing.contains("A Long Mixed-Case Name.conf") && listing.contains("EFIBOOT"), listing);

        FatImageWriter again = new FatImageWriter("EFIBOOT", 0x1234ABCDL, Instant.parse("2024-01-01T00:00:00Z"));
        files.forEach(again::add);
        assertArrayEquals(img, again.build(), "the same input must give the same bytes");
    }

    private static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }
}
