package org.nixusb.checksum;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.nixusb.testing.CheckedRemaster;
import org.nixusb.remaster.RemasterOptions;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.SourceIsos;

/** The implanted checksum equals implantisomd5's and passes checkisomd5; a changed byte fails it. */
class IsoMd5SumTest {
    @Test
    void implantedSumEqualsImplantisomd5sAndPassesCheckisomd5() throws Exception {
        HostTools.require("implantisomd5", "checkisomd5");
        Path dir = HostTools.workDir("isomd5sum");
        Path tree = SourceIsos.nixosTree(dir, true);
        Files.write(tree.resolve("padding.bin"), new byte[3 * 1024 * 1024]);
        Path source = SourceIsos.genisoimage(dir, tree, "src.iso");
        Path out = dir.resolve("usb.iso");
        CheckedRemaster.run(RemasterOptions.of(source, out).withImplantMd5(true));
        String check = HostTools.run("checkisomd5", "--verbose", out.toString());
        assertTrue(check.contains("PASS"), check);

        // implantisomd5 on the same bytes (field blanked) writes the same field
        Path ref = dir.resolve("ref.iso");
        Files.copy(out, ref, StandardCopyOption.REPLACE_EXISTING);
        byte[] blanks = new byte[512];
        Arrays.fill(blanks, (byte) ' ');
        try (RandomAccessFile f = new RandomAccessFile(ref.toFile(), "rw")) {
            f.seek(16 * 2048 + 883);
            f.write(blanks);
        }
        HostTools.run("implantisomd5", ref.toString());
        assertEquals(-1L, Files.mismatch(out, ref), "differs from implantisomd5's field");

        // negative control: one changed byte inside the volume fails the check
        try (RandomAccessFile f = new RandomAccessFile(ref.toFile(), "rw")) {
            f.seek(Files.size(source) / 2);
            int b = f.read();
            f.seek(Files.size(source) / 2);
            f.write(b ^ 0xFF);
        }
        ProcessBuilder pb = new ProcessBuilder("checkisomd5", ref.toString()).redirectErrorStream(true);
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes());
        assertNotEquals(0, p.waitFor(), text);
        assertTrue(text.contains("FAIL"), text);
    }

    @Test
    void sha256FileIsWhatSha256sumChecks() throws Exception {
        Path dir = HostTools.workDir("sha256-file");
        Path img = dir.resolve("x-usb.iso");
        Files.write(img, new byte[] {1, 2, 3});
        Path sha = Sha256File.write(img);
        assertEquals("039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81  x-usb.iso\n",
                Files.readString(sha));
        String out = HostTools.run(dir, "sha256sum", "-c", sha.getFileName().toString());
        assertTrue(out.contains("x-usb.iso: OK"), out);
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(img));
    }
}
