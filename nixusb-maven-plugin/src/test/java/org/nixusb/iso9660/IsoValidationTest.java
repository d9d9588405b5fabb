package org.nixusb.iso9660;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nixusb.binary.Bytes;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.SourceIsos;

/** Damaged images, made by patching single fields of a good one, are refused with a clear message. */
class IsoValidationTest {
    static Path dir;
    static Path good;

    @BeforeAll
    static void makeGoodIso() throws Exception {
        dir = HostTools.workDir("iso-validation");
        good = SourceIsos.genisoimage(dir, SourceIsos.nixosTree(dir, true), "good.iso");
    }

    private static Path copyWith(String name, long offset, byte[] value) throws Exception {
        Path p = dir.resolve(name);
        Files.copy(good, p, StandardCopyOption.REPLACE_EXISTING);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.seek(offset);
            f.write(value);
        }
        return p;
    }

    private static String failure(Path p) {
        IsoFormatException e = assertThrows(IsoFormatException.class, () -> IsoVolume.open(p).close());
        assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
        assertTrue(e.getMessage().endsWith(IsoFormatException.CURE), e.getMessage());
        return e.getMessage();
    }

    private static byte[] both32(long v) {
        byte[] b = new byte[8];
        Bytes.put32both(b, 0, v);
        return b;
    }

    @Test
    void aDirectoryThatPointsBackAtTheRootIsALoop() throws Exception {
        long rootExtent;
        long bootRecordOffset;
        try (IsoVolume v = IsoVolume.open(good)) {
            rootExtent = v.rootDirectory().extent();
            bootRecordOffset = v.find("/boot").records().get(0).sourceOffset();
        }
        String m = failure(copyWith("loop.iso", bootRecordOffset + 2, both32(rootExtent)));
        assertTrue(m.contains("loop"), m);
    }

    @Test
    void aFileExtentBeyondTheEndOfTheFile() throws Exception {
        long recordOffset;
        try (IsoVolume v = IsoVolume.open(good)) {
            recordOffset = v.find("/nix-store.squashfs").records().get(0).sourceOffset();
        }
        String m = failure(copyWith("beyond.iso", recordOffset + 2, both32(10_000_000)));
        assertTrue(m.contains("/nix-store.squashfs") && m.contains("beyond the end"), m);
    }

    @Test
    void anAbsurdDirectorySizeAndABadBlockSize() throws Exception {
        long recordOffset;
        try (IsoVolume v = IsoVolume.open(good)) {
            recordOffset = v.find("/boot").records().get(0).sourceOffset();
        }
        String m = failure(copyWith("huge-dir.iso", recordOffset + 10, both32(0xF0000000L)));
        assertTrue(m.contains("claims"), m);
        byte[] blockSize = new byte[4];
        Bytes.put16both(blockSize, 0, 512);
        m = failure(copyWith("block-size.iso", 16 * 2048 + VolumeDescriptor.OFF_BLOCK_SIZE, blockSize));
        assertTrue(m.contains("block size is 512"), m);
    }

    @Test
    void aDamagedDirectoryRecord() throws Exception {
        long recordOffset;
        try (IsoVolume v = IsoVolume.open(good)) {
            recordOffset = v.find("/nix-store.squashfs").records().get(0).sourceOffset();
        }
        String m = failure(copyWith("bad-record.iso", recordOffset, new byte[] {5}));
        assertTrue(m.contains("damaged directory record"), m);
    }
}
