package org.nixusb.iso9660;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;

import org.junit.jupiter.api.Test;

import org.nixusb.binary.Bytes;

/**
 * Records from {@link RecordBuilder} read back by the record and Rock Ridge readers: the ISO 9660 fields in
 * both byte orders, the padding rules, the PX (RRIP 1.10 and 1.12 lengths), TF, NM and SL entries. (Whole
 * images with such records are read by xorriso in {@code ImageEditTest} and the remaster tests.)
 */
class RecordBuilderTest {
    private static final Instant TIME = Instant.parse("2024-02-29T23:59:58Z");

    @Test
    void isoFieldsInBothByteOrdersAndPaddingRules() {
        RecordBuilder b = new RecordBuilder(false, 44);
        for (String id : new String[] {"A;1", "AB;1", "ISOLINUX.BIN;1", "X"}) {
            DirectoryRecord r = b.build(id.getBytes(StandardCharsets.ISO_8859_1), null, false, 1234, 567890, TIME,
                    SystemUse.S_IFREG | 0444, 1, 7);
            byte[] raw = r.bytes();
            assertEquals(raw.length, r.length());
            assertEquals(0, r.length() % 2, "a record has an even length");
            assertEquals(33 + id.length() + (id.length() % 2 == 0 ? 1 : 0), r.systemUseOffset(), id);
            if (id.length() % 2 == 0) {
                assertEquals(0, raw[33 + id.length()], "the padding byte after an even-length identifier");
            }
            assertEquals(1234, r.extent());
            assertEquals(1234, Bytes.u32be(raw, 6), "the big-endian extent");
            assertEquals(567890, r.dataLength());
            assertEquals(567890, Bytes.u32be(raw, 14), "the big-endian size");
            assertEquals(1, Bytes.u16le(raw, 28));
            assertEquals(1, Bytes.u16be(raw, 30), "the volume sequence number in both orders");
            assertEquals(TIME, r.recordingDate());
            assertFalse(r.isDirectory());
            assertEquals(id, r.identifierText(false));
            assertEquals(r.length(), r.systemUseOffset(), "no system use area without Rock Ridge");
        }
        DirectoryRecord self = b.build(new byte[] {0}, null, true, 20, 2048, TIME, SystemUse.S_IFDIR | 0555, 2, 0);
        assertTrue(self.isSelf());
        assertTrue(self.isDirectory());
        assertEquals(34, self.length());
        DirectoryRecord parent = b.build(new byte[] {1}, null, true, 20, 2048, TIME, SystemUse.S_IFDIR | 0555, 2, 0);
        assertTrue(parent.isParent());
    }

    @Test
    void setExtentRewritesBothOrders() {
        DirectoryRecord r = new RecordBuilder(true, 44).build("F;1".getBytes(StandardCharsets.ISO_8859_1), "f", false,
                0, 0, TIME, SystemUse.S_IFREG | 0644, 1, 3);
        r.setExtent(0x01020304L, 0x0A0B0C0DL);
        assertEquals(0x01020304L, Bytes.u32le(r.bytes(), 2));
        assertEquals(0x01020304L, Bytes.u32be(r.bytes(), 6));
        assertEquals(0x0A0B0C0DL, Bytes.u32le(r.bytes(), 10));
        assertEquals(0x0A0B0C0DL, Bytes.u32be(r.bytes(), 14));
    }

    @Test
    void rockRidgeEntriesReadBack() throws Exception {
        for (int px : new int[] {36, 44}) {
            RecordBuilder b = new RecordBuilder(true, px);
            String name = "Mixed-Case name with spaces.tar.gz";
            DirectoryRecord r = b.build("MIXED_CA.GZ;1".getBytes(StandardCharsets.ISO_8859_1), name, false, 99, 100,
                    TIME, SystemUse.S_IFREG | 0640, 1, 4242);
            SystemUse su = SystemUse.parse(null, r, 0);
            assertEquals(name, su.name());
            assertEquals(SystemUse.S_IFREG | 0640, su.mode());
            assertEquals(1, su.nlink());
            assertEquals(0, su.uid());
            assertEquals(0, su.gid());
            assertEquals(px, su.pxLength());
            assertEquals(px == 44 ? 4242 : 0, su.inode(), "RRIP 1.10's PX has no serial number");
            assertEquals(TIME, su.mtime());
            assertEquals(TIME, su.atime());
            assertNull(su.symlink());
            assertTrue(su.anyRockRidge());
        }
    }

    @Test
    void symbolicLinksWithRootCurrentAndParentComponents() throws Exception {
        RecordBuilder b = new RecordBuilder(true, 44);
        for (String target : new String[] {"nix/store/abc-NixOS", "/etc/nixusb/motd", "../up/./here", "/", ".", ".."}) {
            DirectoryRecord r = b.build("L;1".getBytes(StandardCharsets.ISO_8859_1), "l", false, 0, 0, TIME,
                    SystemUse.S_IFLNK | 0777, 1, 5, target);
            SystemUse su = SystemUse.parse(null, r, 0);
            String expected = target.equals("/") ? "/" : target;
            assertEquals(expected, su.symlink(), target);
            assertEquals(SystemUse.S_IFLNK | 0777, su.mode());
        }
    }

    @Test
    void refusesWhatOneRecordCannotHold() {
        RecordBuilder plain = new RecordBuilder(false, 44);
        assertThrows(IllegalArgumentException.class, () -> plain.build("L;1".getBytes(StandardCharsets.ISO_8859_1),
                "l", false, 0, 0, TIME, SystemUse.S_IFLNK | 0777, 1, 5, "target"), "a symlink needs Rock Ridge");
        RecordBuilder rr = new RecordBuilder(true, 44);
        String tooLong = "n".repeat(200);
        assertThrows(IllegalArgumentException.class, () -> rr.build("N;1".getBytes(StandardCharsets.ISO_8859_1),
                tooLong, false, 0, 0, TIME, SystemUse.S_IFREG | 0444, 1, 5));
        assertThrows(IllegalArgumentException.class, () -> rr.build("L;1".getBytes(StandardCharsets.ISO_8859_1),
                "l", false, 0, 0, TIME, SystemUse.S_IFLNK | 0777, 1, 5, "x/".repeat(100)));
    }

    @Test
    void randomNamesAndModesRoundTrip() throws Exception {
        Random random = new Random(20261201);
        RecordBuilder b = new RecordBuilder(true, 44);
        for (int i = 0; i < 2000; i++) {
            int len = 1 + random.nextInt(120);
            StringBuilder name = new StringBuilder();
            for (int c = 0; c < len; c++) {
                name.append((char) (0x21 + random.nextInt(0x5d)));
            }
            String n = name.toString().replace('/', '_');
            int mode = SystemUse.S_IFREG | random.nextInt(07777 + 1);
            long inode = random.nextInt(Integer.MAX_VALUE);
            Instant t = Instant.ofEpochSecond(random.nextInt(2_000_000_000));
            byte[] id = ("F" + i + ";1").getBytes(StandardCharsets.ISO_8859_1);
            DirectoryRecord r = b.build(id, n, false, i, i * 3L, t, mode, 1, inode);
            assertTrue(r.length() <= 255 && r.length() % 2 == 0);
            SystemUse su = SystemUse.parse(null, r, 0);
            assertEquals(n, su.name());
            assertEquals(mode, su.mode());
            assertEquals(inode, su.inode());
            assertEquals(t, su.mtime());
            assertArrayEquals(id, r.identifier());
        }
    }
}
