package org.nixusb.eltorito;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.nixusb.binary.Bytes;
import org.nixusb.iso9660.ImageFile;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.testing.HostTools;

class BootInfoTableTest {

    /** genisoimage patches the table into the boot file it is given: ours must compute the same bytes. */
    @Test
    void matchesTheTableGenisoimageWrites() throws Exception {
        HostTools.require("genisoimage");
        Path dir = HostTools.workDir("boot-info-table");
        Path tree = dir.resolve("tree/isolinux");
        Files.createDirectories(tree);
        byte[] original = Files.readAllBytes(Path.of("/usr/lib/ISOLINUX/isolinux.bin"));
        Files.write(tree.resolve("isolinux.bin"), original);
        Path iso = dir.resolve("t.iso");
        HostTools.run("genisoimage", "-quiet", "-o", iso.toString(), "-R", "-b", "isolinux/isolinux.bin", "-c",
                "isolinux/boot.cat", "-no-emul-boot", "-boot-load-size", "4", "-boot-info-table",
                dir.resolve("tree").toString());
        byte[] patchedByGenisoimage = Files.readAllBytes(tree.resolve("isolinux.bin"));
        try (IsoVolume v = IsoVolume.open(iso)) {
            long lba = Bytes.u32le(v.image().readBlock(Bytes.u32le(v.bootRecord().data(), 71), "cat"), 32 + 8);
            assertTrue(BootInfoTable.valid(patchedByGenisoimage, 16, lba));
            assertArrayEquals(patchedByGenisoimage, BootInfoTable.patched(original, 16, lba));
            assertArrayEquals(patchedByGenisoimage, v.image().read(lba * ImageFile.BLOCK, original.length, "bin"));
            assertFalse(BootInfoTable.valid(patchedByGenisoimage, 16, lba + 1));
        }
    }

    @Test
    void checksumIsTheSumOfLittleEndianDwordsFromByte64() {
        byte[] f = new byte[72];
        Bytes.put32le(f, 64, 0xFFFFFFFFL);
        Bytes.put32le(f, 68, 2);
        f[0] = 9; // before byte 64: not summed
        assertEquals(1, BootInfoTable.checksum(f));
    }
}
