package org.nixusb.iso9660;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.SourceIsos;

/**
 * Rock Ridge edits in place, judged by xorriso: a file's PX mode and TF times, a directory's PX link
 * count; a record without Rock Ridge keeps its bytes but the recording date.
 */
class RockRidgeEditTest {
    private static void writeBack(Path iso, DirectoryRecord r) throws Exception {
        try (FileChannel ch = FileChannel.open(iso, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(r.bytes()), r.sourceOffset());
        }
    }

    @Test
    void modeTimesAndLinksChangeAsXorrisoReadsThem() throws Exception {
        HostTools.require("genisoimage", "xorriso", "isoinfo");
        Path dir = HostTools.workDir("rock-ridge-edit");
        Path tree = SourceIsos.nixosTree(dir, false);
        Path src = SourceIsos.genisoimage(dir, tree, "src.iso", "-R");
        Path iso = dir.resolve("edited.iso");
        Files.copy(src, iso);
        Instant t = Instant.parse("2030-01-02T03:04:05Z");
        try (IsoVolume v = IsoVolume.open(iso)) {
            IsoEntry file = v.find("/secret-token");
            DirectoryRecord fr = file.records().get(0);
            assertTrue(RockRidgeEdit.setMode(fr, file.systemUse(), 0640));
            RockRidgeEdit.setTimes(fr, file.systemUse(), t);
            writeBack(iso, fr);
            IsoEntry boot = v.find("/boot");
            // the directory's own record in its parent (the root)
            DirectoryRecord br = boot.records().get(0);
            assertTrue(RockRidgeEdit.addLinks(br, boot.systemUse(), 2));
            writeBack(iso, br);
        }
        String file = HostTools.run("xorriso", "-indev", iso.toString(), "-lsdl", "/secret-token");
        assertTrue(file.contains("-rw-r-----") && file.contains("2030"), file);
        // isoinfo shows the PX link count (xorriso computes its own for directories)
        String before = HostTools.run("isoinfo", "-R", "-l", "-i", src.toString());
        String after = HostTools.run("isoinfo", "-R", "-l", "-i", iso.toString());
        assertEquals(links(before) + 2, links(after), after);
        try (IsoVolume v = IsoVolume.open(iso)) {
            assertEquals(0100640, (int) v.find("/secret-token").mode());
            assertEquals(t, v.find("/secret-token").mtime());
        }
    }

    @Test
    void withoutRockRidgeOnlyTheRecordingDateChanges() throws Exception {
        HostTools.require("genisoimage");
        Path dir = HostTools.workDir("rock-ridge-edit-plain");
        Path iso = dir.resolve("plain.iso");
        HostTools.run("genisoimage", "-quiet", "-o", iso.toString(), "-V", "PLAIN",
                SourceIsos.nixosTree(dir, false).toString());
        try (IsoVolume v = IsoVolume.open(iso)) {
            assertFalse(v.rockRidge());
            IsoEntry e = v.findIgnoringCase("/secret_t");
            DirectoryRecord r = e.records().get(0);
            byte[] was = r.bytes().clone();
            assertFalse(RockRidgeEdit.setMode(r, e.systemUse(), 0600));
            assertFalse(RockRidgeEdit.addLinks(r, e.systemUse(), 1));
            RockRidgeEdit.setTimes(r, e.systemUse(), Instant.parse("2030-01-02T03:04:05Z"));
            byte[] now = r.bytes();
            for (int i = 0; i < was.length; i++) {
                if (i < 18 || i >= 25) {
                    assertEquals(was[i], now[i], "byte " + i + " must stay");
                }
            }
            assertEquals(130, now[18] & 0xFF, "the recording date's year (1900 + 130)");
            // a link entry in a continuation area comes back as a raw patch: its position and the block
            long[] raw = RockRidgeEdit.setLinkTarget(r, new SystemUse.Location(false, -1, 5000), 99);
            assertEquals(5004, raw[0]);
            assertEquals(99, raw[1]);
        }
    }

    /** The link count isoinfo lists for the root's "boot" directory. */
    private static int links(String listing) {
        for (String line : listing.split("\n")) {
            if (line.startsWith("d") && line.strip().endsWith("]  boot")) {
                return Integer.parseInt(line.strip().split("\\s+")[1]);
            }
        }
        throw new AssertionError("no listing of /boot in " + listing);
    }
}
