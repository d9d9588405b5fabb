package org.nixusb.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.nixusb.testing.HostTools;

/** The background copy: whole when awaited, stopped part-way when closed early, its failure rethrown. */
class SourceCopyTest {
    @Test
    void copiesEveryByte() throws Exception {
        Path dir = HostTools.workDir("source-copy");
        byte[] data = new byte[5 * 1024 * 1024 + 123];
        new Random(7).nextBytes(data);
        Path src = Files.write(dir.resolve("src.bin"), data);
        Path dst = Files.write(dir.resolve("dst.bin"), new byte[9 * 1024 * 1024]);
        try (SourceCopy c = SourceCopy.start(src, data.length, dst, null)) {
            c.await();
        }
        assertEquals(-1L, Files.mismatch(src, dst), "the target is truncated and holds the source's bytes");
    }

    @Test
    void closingEarlyStopsTheCopyPartWay() throws Exception {
        Path dir = HostTools.workDir("source-copy-cancel");
        Path src = dir.resolve("big.bin");
        long size = 8L << 30; // sparse: reads as zeros without using the disk
        try (RandomAccessFile f = new RandomAccessFile(src.toFile(), "rw")) {
            f.setLength(size);
        }
        Path dst = Files.createFile(dir.resolve("dst.bin"));
        try {
            SourceCopy c = SourceCopy.start(src, size, dst, null);
            c.close(); // as when planning fails at once
            assertTrue(Files.size(dst) < size, "cancelled after " + Files.size(dst) + " of " + size + " bytes");
            assertThrows(java.io.InterruptedIOException.class, c::await);
        } finally {
            Files.deleteIfExists(dst);
            Files.deleteIfExists(src);
        }
    }

    @Test
    void aSourceShorterThanPromisedFails() throws Exception {
        Path dir = HostTools.workDir("source-copy-short");
        Path src = Files.write(dir.resolve("short.bin"), new byte[1000]);
        Path dst = Files.createFile(dir.resolve("dst.bin"));
        try (SourceCopy c = SourceCopy.start(src, 5000, dst, null)) {
            IOException e = assertThrows(IOException.class, c::await);
            assertTrue(e.getMessage().contains("source ended"), e.getMessage());
        }
    }
}
