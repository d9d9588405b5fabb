package org.nixusb.qemu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nixusb.testing.HostTools;

/**
 * The qcow2 overlay nixusb writes for boots, read back by qemu-img: it must pass {@code qemu-img check},
 * name the image as its raw backing file, have the stick's size, and read as the image with the masked
 * ranges zeroed and zeros after it. The image is never written.
 */
class Qcow2OverlayTest {
    @ParameterizedTest
    @CsvSource({
        // image bytes, disk size, masked ranges (position:length;...)
        "3000000, 8589934592, 94208:2048",
        "3000000, 3000000, ''",
        "1048576, 1073741824, 0:512;65000:2000;1046528:2048",
        "537000000, 8589934592, 536870400:1024;100:1",
    })
    void qemuImgReadsTheImageWithTheMaskedRangesZeroed(long imageBytes, long diskSize, String ranges) throws Exception {
        HostTools.require("qemu-img");
        Path dir = HostTools.workDir("qcow2-" + imageBytes + "-" + diskSize + "-" + ranges.hashCode());
        Path image = dir.resolve("image,with comma.raw");
        byte[] content = new byte[(int) Math.min(imageBytes, 4 << 20)];
        new Random(imageBytes).nextBytes(content);
        try (var ch = java.nio.channels.FileChannel.open(image, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE)) {
            for (long at = 0; at < imageBytes; at += content.length) {
                ch.write(java.nio.ByteBuffer.wrap(content, 0, (int) Math.min(content.length, imageBytes - at)), at);
            }
        }
        byte[] before = HostTools.run("sha256sum", image.toString()).getBytes();
        List<long[]> masked = ranges.isEmpty() ? List.of() : Arrays.stream(ranges.split(";"))
                .map(r -> new long[] {Long.parseLong(r.split(":")[0]), Long.parseLong(r.split(":")[1])}).toList();
        Path overlay = dir.resolve("stick.qcow2");
        Qcow2Overlay.write(image, overlay, diskSize, masked);
        diskSize = (diskSize + 511) / 512 * 512; // a disk is whole sectors

        HostTools.run("qemu-img", "check", "-f", "qcow2", overlay.toString());
        String info = HostTools.run("qemu-img", "info", "-f", "qcow2", overlay.toString());
        assertTrue(info.contains("virtual size: ") && info.contains("(" + diskSize + " bytes)"), info);
        assertTrue(info.contains("backing file: " + image.toAbsolutePath()), info);
        assertTrue(info.contains("backing file format: raw"), info);

        // the whole disk, as a guest reads it
        Path raw = dir.resolve("read-back.raw");
        HostTools.run("qemu-img", "convert", "-f", "qcow2", "-O", "raw", overlay.toString(), raw.toString());
        assertEquals(diskSize, Files.size(raw));
        try (var ch = java.nio.channels.FileChannel.open(raw); var src = java.nio.channels.FileChannel.open(image)) {
            int window = 1 << 20;
            for (long at = 0; at < Math.min(diskSize, imageBytes + (2 << 20)); at += window) {
                java.nio.ByteBuffer got = java.nio.ByteBuffer.allocate(window);
                ch.read(got, at);
                java.nio.ByteBuffer want = java.nio.ByteBuffer.allocate(window);
                if (at < imageBytes) {
                    src.read(want, at);
                    want.clear();
                    if (imageBytes - at < window) {
                        Arrays.fill(want.array(), (int) (imageBytes - at), window, (byte) 0);
                    }
                }
                for (long[] m : masked) {
                    for (long p = Math.max(m[0], at); p < Math.min(m[0] + m[1], at + window); p++) {
                        want.array()[(int) (p - at)] = 0;
                    }
                }
                assertArrayEquals(want.array(), got.array(), "bytes " + at + ".." + (at + window));
            }
        }
        assertArrayEquals(before, HostTools.run("sha256sum", image.toString()).getBytes(), "the image is untouched");
        Files.delete(raw);
        Files.delete(image);
    }
}
