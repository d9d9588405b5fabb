package org.nixusb.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.nixusb.BadInputException;
import org.nixusb.BuildLog;
import org.nixusb.checksum.Sha256File;
import org.nixusb.testing.HostTools;

/**
 * A stick that does not keep what is written (a fake-capacity or dying stick): {@code write} reads the target back,
 * finds other bytes and refuses, naming both SHA-256 sums. The target is a real file (what {@code write} writes for
 * a virtual machine); the faulty stick's reading is the file with one byte changed after the write, as such a stick
 * returns it. Control: the same write with the honest read-back passes, and its sum is the image's.
 */
class LyingStickTest {
    @Test
    void aStickThatReadsBackOtherBytesIsRefused() throws Exception {
        Path dir = HostTools.workDir("lying-stick");
        Path image = dir.resolve("image.iso");
        byte[] bytes = new byte[1 << 20];
        new Random(11).nextBytes(bytes);
        Files.write(image, bytes);
        Path target = dir.resolve("stick.img");

        StickWriter.ReadBack faulty = (t, length, direct) -> {
            try (RandomAccessFile f = new RandomAccessFile(t.toFile(), "rw")) {
                f.seek(length / 2);
                int b = f.read();
                f.seek(length / 2);
                f.write(b ^ 0x5A); // the cell that did not keep its bit
            }
            return StickWriter.readBack(t, length, direct);
        };
        StickWriter w = new StickWriter(new SysfsDeviceFacts(), BuildLog.SILENT, "Linux", faulty);
        BadInputException e = assertThrows(BadInputException.class, () -> w.write(image, w.check(image, target,
                true)));
        assertTrue(e.getMessage().startsWith(target + ": reads back different from the image (SHA-256 ")
                && e.getMessage().contains(", image " + Sha256File.sha256(image))
                && e.getMessage().contains("the stick is faulty or was removed"), e.getMessage());

        // control: an honest read-back of the same write passes
        Files.delete(target);
        StickWriter honest = new StickWriter(new SysfsDeviceFacts(), BuildLog.SILENT, "Linux");
        StickWriter.Result r = honest.write(image, honest.check(image, target, true));
        assertEquals(Sha256File.sha256(image), r.sha256());
    }
}
