package org.nixusb.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.nixusb.testing.HostTools;

/**
 * A delta applied to a copy of its source gives the bytes of a plain in-memory model (the source,
 * then each write in order, zeros after), and its SHA-256 computed from the source equals the hash
 * of those bytes, for random writes that overlap each other, the source's end and the zero tail.
 * Sources up to 40 MiB take the memory-mapped path for their long runs.
 */
class ImageDeltaTest {
    @Test
    void randomOverlappingWritesGiveTheModelsBytesAndHash() throws Exception {
        Path dir = HostTools.workDir("image-delta");
        Random random = new Random(20261125);
        for (int round = 0; round < 200; round++) {
            int sourceSize = 1 + random.nextInt(round % 20 == 0 ? 40 << 20 : 3 << 20);
            byte[] source = new byte[sourceSize];
            random.nextBytes(source);
            Path src = dir.resolve("source.bin");
            Files.write(src, source);
            Path extra = dir.resolve("extra.bin");
            byte[] extraBytes = new byte[1 + random.nextInt(300_000)];
            random.nextBytes(extraBytes);
            Files.write(extra, extraBytes);

            ImageDelta delta = new ImageDelta(sourceSize);
            byte[] model = source.clone();
            List<long[]> regions = new ArrayList<>();
            try (FileChannel in = FileChannel.open(src, StandardOpenOption.READ)) {
                int writes = random.nextInt(12);
                for (int w = 0; w < writes; w++) {
                    long at = random.nextInt(sourceSize + (1 << 20));
                    byte[] data;
                    switch (random.nextInt(4)) {
                        case 0 -> {
                            data = new byte[1 + random.nextInt(70_000)];
                            random.nextBytes(data);
                            delta.write(data, at);
                        }
                        case 1 -> {
                            data = extraBytes;
                            delta.write(FileContent.of(extra), at);
                        }
                        case 2 -> {
                            // two ranges of the source, as for a kernel copied out of an EFI image
                            regions.clear();
                            int a = random.nextInt(sourceSize);
                            int b = random.nextInt(sourceSize);
                            int la = random.nextInt(sourceSize - a) + 1;
                            int lb = random.nextInt(sourceSize - b) + 1;
                            regions.add(new long[] {a, la});
                            regions.add(new long[] {b, lb});
                            data = new byte[la + lb];
                            System.arraycopy(source, a, data, 0, la);
                            System.arraycopy(source, b, data, la, lb);
                            delta.write(FileContent.ofRegions(in, List.copyOf(regions)), at);
                        }
                        default -> {
                            long end = at + random.nextInt(2 << 20);
                            delta.extendTo(end);
                            model = Arrays.copyOf(model, (int) Math.max(model.length, end));
                            continue;
                        }
                    }
                    if (at + data.length > model.length) {
                        model = Arrays.copyOf(model, (int) (at + data.length));
                    }
                    System.arraycopy(data, 0, model, (int) at, data.length);
                }
                assertEquals(model.length, delta.size(), "round " + round);
                byte[] expectedHash = MessageDigest.getInstance("SHA-256").digest(model);
                assertArrayEquals(expectedHash, delta.sha256(in, null), "hash, round " + round);

                Path out = dir.resolve("out.bin");
                Files.copy(src, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                try (FileChannel o = FileChannel.open(out, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    delta.applyTo(o);
                }
                assertArrayEquals(model, Files.readAllBytes(out), "bytes, round " + round);

            }
        }
    }

    @Test
    void theMappedPathIsAvailableOnThisJdk() {
        assertTrue(MappedWindow.AVAILABLE, "the JDK's buffer cleaner is out of reach: hashing falls back to reads");
    }

    @Test
    void aLaterChangeToAWrittenArrayDoesNotCount() throws Exception {
        Path dir = HostTools.workDir("image-delta-array");
        Path src = dir.resolve("source.bin");
        Files.write(src, new byte[4096]);
        ImageDelta delta = new ImageDelta(4096);
        byte[] b = {1, 2, 3};
        delta.write(b, 10);
        b[0] = 9;
        Path out = dir.resolve("out.bin");
        Files.copy(src, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel o = FileChannel.open(out, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            delta.applyTo(o);
        }
        assertEquals(1, Files.readAllBytes(out)[10]);
    }
}
