package org.nixusb.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nixusb.iso9660.IsoEntry;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.iso9660.SystemUse;
import org.nixusb.output.FileContent;
import org.nixusb.output.ImageDelta;
import org.nixusb.iso9660.ImageEdit;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.IsoFiles;
import org.nixusb.testing.SourceIsos;

/**
 * Each fuzzing finding of {@link FuzzingTest#REGRESSIONS} as the minimal damage that caused it, on a real image,
 * with the code it once broke asserted to run: the reader walks the entry with the damaged Rock Ridge NM entry and
 * names it, the edit rewrites the directory whose size is not whole blocks. (The loader.conf default with an
 * unbalanced '{' and the GPT header of 11 bytes are in SystemdBootReaderTest and UefiStickCheckTest.)
 */
class FormerFindingsTest {

    /** The offsets in {@code image} where a Rock Ridge "NM" entry (version 1) starts. */
    private static List<Long> nmEntries(byte[] image) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i + 5 < image.length; i++) {
            if (image[i] == 'N' && image[i + 1] == 'M' && (image[i + 2] & 0xFF) > 5 && image[i + 3] == 1
                    && image[i + 4] == 0 && image[i + 5] == 'b') {
                out.add((long) i);
            }
        }
        return out;
    }

    @Test
    void aRockRidgeNameEntryOfFourBytesIsReadAsNoName() throws Exception {
        HostTools.require("genisoimage");
        Path dir = HostTools.workDir("former-finding-nm");
        Path iso = SourceIsos.genisoimage(dir, SourceIsos.nixosTree(dir, false), "src.iso");
        byte[] bytes = Files.readAllBytes(iso);
        List<Long> at = nmEntries(bytes); // the NM entries of names starting with "b": boot, bzImage
        assertTrue(!at.isEmpty(), "the image has Rock Ridge names starting with 'b'");
        try (RandomAccessFile f = new RandomAccessFile(iso.toFile(), "rw")) {
            for (long p : at) {
                f.seek(p + 2);
                f.write(4); // an NM entry of its header alone: no name bytes
            }
        }
        List<String> names = new ArrayList<>();
        try (IsoVolume v = IsoVolume.open(iso)) {
            walk(v.root(), names);
        }
        // the entries are still there, named by their ISO 9660 names
        assertTrue(names.stream().anyMatch(n -> n.equalsIgnoreCase("/boot")), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.toLowerCase().startsWith("/boot/bzimage")), names.toString());
    }

    private static void walk(IsoEntry e, List<String> names) {
        for (IsoEntry c : e.children()) {
            names.add(c.path());
            if (c.isDirectory()) {
                walk(c, names);
            }
        }
    }

    @Test
    void aDirectoryWhoseSizeIsNotWholeBlocksIsRewritten() throws Exception {
        HostTools.require("genisoimage", "xorriso");
        Path dir = HostTools.workDir("former-finding-directory-size");
        Path iso = SourceIsos.genisoimage(dir, SourceIsos.nixosTree(dir, false), "src.iso");
        long recordAt;
        try (IsoVolume v = IsoVolume.open(iso)) {
            IsoEntry boot = v.find("/boot");
            assertTrue(boot != null && boot.isDirectory());
            recordAt = recordOf(Files.readAllBytes(iso), v.root().extents().get(0).lba(), "BOOT");
        }
        try (RandomAccessFile f = new RandomAccessFile(iso.toFile(), "rw")) {
            ByteBuffer le = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(1000);
            ByteBuffer be = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putInt(1000);
            f.seek(recordAt + 10);
            f.write(le.array());
            f.write(be.array());
        }
        Path out = dir.resolve("edited.iso");
        Files.copy(iso, out);
        try (IsoVolume v = IsoVolume.open(iso)) {
            assertEquals(1000, v.find("/boot").size(), "the damage is what the reader sees");
            List<String> before = new ArrayList<>();
            walk(v.find("/boot"), before);
            assertTrue(before.size() >= 2, "the damaged directory still lists its entries: " + before);
            ImageEdit edit = new ImageEdit(v);
            edit.addFile("/boot/added.txt", FileContent.of("added\n".getBytes()), SystemUse.S_IFREG | 0444,
                    Instant.parse("2025-01-01T00:00:00Z"));
            ImageDelta delta = new ImageDelta(v.image().size());
            ImageEdit.Result r = edit.write(delta);
            assertEquals(1, r.directoriesRewritten(), "exactly /boot, the damaged directory, is rewritten");
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(out,
                    java.nio.file.StandardOpenOption.WRITE)) {
                delta.applyTo(ch);
            }
            // read back by xorriso: the added file and every entry the damaged directory listed
            assertEquals("added\n", new String(IsoFiles.extract(out, "/boot/added.txt", dir.resolve("added.txt"))));
            List<String> sourceBoot = xorrisoFind(iso);
            List<String> outputBoot = xorrisoFind(out);
            assertTrue(sourceBoot.size() >= 2, "xorriso lists the damaged source's /boot: " + sourceBoot);
            List<String> expected = new ArrayList<>(sourceBoot);
            expected.add("/boot/added.txt");
            assertEquals(new java.util.TreeSet<>(expected), new java.util.TreeSet<>(outputBoot),
                    "the output's /boot is the source's and the added file");
            try (IsoVolume back = IsoVolume.open(out)) {
                assertEquals(0, back.find("/boot").size() % 2048, "the rewritten directory is whole blocks");
            }
        }
    }

    /** The paths under /boot, as xorriso lists them. */
    private static List<String> xorrisoFind(Path iso) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : HostTools.run("xorriso", "-indev", iso.toString(), "-find", "/boot").split("\n")) {
            if (line.startsWith("'/boot/")) {
                out.add(line.substring(1, line.length() - 1));
            }
        }
        return out;
    }

    /** The position of the directory record named {@code name} in the directory at block {@code lba}. */
    private static long recordOf(byte[] image, long lba, String name) {
        int p = (int) (lba * 2048);
        int end = p + 2048;
        while (p < end && (image[p] & 0xFF) > 0) {
            int len = image[p] & 0xFF;
            int nameLen = image[p + 32] & 0xFF;
            if (new String(image, p + 33, nameLen, java.nio.charset.StandardCharsets.ISO_8859_1).equals(name)) {
                return p;
            }
            p += len;
        }
        throw new AssertionError(name + " is not in the directory at block " + lba);
    }
}
