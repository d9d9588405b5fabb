package org.nixusb.iso9660;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.nixusb.testing.HostTools;

/** A file over 4 GiB is stored in several extents (xorriso -iso-level 3); the reader joins them. */
class MultiExtentTest {

    @Test
    void joinsTheExtentsOfAFileOverFourGiB() throws Exception {
        HostTools.require("xorriso");
        Path dir = HostTools.workDir("multi-extent");
        Path tree = dir.resolve("tree");
        Files.createDirectories(tree);
        long size = 4L * 1024 * 1024 * 1024 + 12345;
        try (RandomAccessFile f = new RandomAccessFile(tree.resolve("big.squashfs").toFile(), "rw")) {
            f.setLength(size);
            f.seek(size - 5);
            f.write("tail!".getBytes());
        }
        Files.writeString(tree.resolve("small.txt"), "small\n");
        Path iso = dir.resolve("big.iso");
        HostTools.run("xorriso", "-as", "mkisofs", "-quiet", "-iso-level", "3", "-R", "-o", iso.toString(),
                tree.toString());
        try {
            try (IsoVolume v = IsoVolume.open(iso)) {
                IsoEntry big = v.find("/big.squashfs");
                assertNotNull(big);
                assertTrue(big.extents().size() >= 2, "extents: " + big.extents());
                assertEquals(size, big.size());
                IsoEntry.Extent last = big.extents().get(big.extents().size() - 1);
                byte[] tail = v.image().read(last.lba() * ImageFile.BLOCK + last.length() - 5, 5, "tail");
                assertEquals("tail!", new String(tail));
                assertEquals(6, v.find("/small.txt").size());
            }
        } finally {
            Files.deleteIfExists(iso);
            Files.deleteIfExists(tree.resolve("big.squashfs"));
        }
    }
}
