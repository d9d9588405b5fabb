package org.nixusb.hybrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.nixusb.iso9660.ImageFile;
import org.nixusb.testing.HostTools;

/** The isohybrid GPT written alone onto a disk file, read back by sgdisk and by nixusb's own reader. */
class GptTest {
    @Test
    void sgdiskAndTheReaderSeeBothEntriesAndValidCrcs() throws Exception {
        HostTools.require("sgdisk");
        Path dir = HostTools.workDir("hybrid-gpt");
        Path disk = dir.resolve("disk.img");
        long total = 8192; // 4 MiB
        UUID diskGuid = UUID.fromString("01234567-89ab-cdef-0123-456789abcdef");
        Gpt gpt = new Gpt(diskGuid, UUID.randomUUID(), UUID.randomUUID());
        byte[] entries = gpt.entries(total - 64, 100, 2000);
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(total * 512);
            byte[] mbr = new byte[512];
            mbr[446 + 4] = (byte) 0xEE;
            org.nixusb.binary.Bytes.put32le(mbr, 446 + 8, 1);
            org.nixusb.binary.Bytes.put32le(mbr, 446 + 12, total - 1);
            mbr[510] = 0x55;
            mbr[511] = (byte) 0xAA;
            f.write(mbr);
            f.seek(512);
            f.write(gpt.header(1, total - 1, total, 2, entries));
            f.seek(1024);
            f.write(entries);
            long backupEntries = total - 1 - Gpt.ENTRY_SECTORS;
            f.seek(backupEntries * 512);
            f.write(entries);
            f.seek((total - 1) * 512);
            f.write(gpt.header(total - 1, 1, total, backupEntries, entries));
        }
        String verify = HostTools.runAllowingFailure("sgdisk", "-v", disk.toString());
        assertTrue(!verify.contains("CRC") && !verify.contains("corrupt"), verify);
        String print = HostTools.run("sgdisk", "-p", disk.toString());
        assertTrue(print.toLowerCase().contains(diskGuid.toString()), print);
        assertTrue(print.contains("ISOHybrid"), print);
        // partition 1 covers the image from sector 0 (over the GPT itself, as isohybrid's does): sgdisk warns about
        // that overlap and does not list it, but describes it
        assertTrue(verify.contains("overlaps the first partition"), verify);
        try (ImageFile f = ImageFile.open(disk)) {
            PartitionTable t = PartitionTable.read(f);
            assertTrue(t.hasGpt(), "the CRCs check out");
            assertEquals(diskGuid, t.gptDiskGuid());
            PartitionTable.Partition efi = t.partitions().stream().filter(p -> p.scheme() == PartitionTable.Scheme.GPT
                    && p.slot() == 1).findFirst().orElseThrow();
            assertEquals(100, efi.start());
            assertEquals(2100, efi.end());
            assertEquals("ISOHybrid", efi.name());
            PartitionTable.Partition iso = t.partitions().stream().filter(p -> p.scheme() == PartitionTable.Scheme.GPT
                    && p.slot() == 0).findFirst().orElseThrow();
            assertEquals(0, iso.start());
            assertEquals(total - 64, iso.end());
            assertEquals("ISOHybrid ISO", iso.name());
        }
    }
}
