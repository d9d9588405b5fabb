package org.nixusb.hybrid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import org.nixusb.binary.Bytes;

/** Partition entries checked against the raw bytes isohybrid wrote. */
class IsohybridMbrTest {
    static final byte[] TEMPLATE = new byte[432];

    private static byte[] entry(byte[] mbr) {
        byte[] e = new byte[16];
        System.arraycopy(mbr, 446, e, 0, 16);
        return e;
    }

    @Test
    void sixCylinderImage() {
        byte[] mbr = new IsohybridMbr(TEMPLATE).build(5269504, 37, 0x12345678L);
        assertArrayEquals(new byte[] {(byte) 0x80, 0, 1, 0, 0x17, 0x3F, 0x20, 5, 0, 0, 0, 0, 0, 0x30, 0, 0},
                entry(mbr));
        assertEquals(37 * 4, Bytes.u32le(mbr, 432));
        assertEquals(0x12345678L, Bytes.u32le(mbr, 440));
        assertEquals(0x55, mbr[510] & 0xFF);
        assertEquals(0xAA, mbr[511] & 0xFF);
        assertEquals(6291456, new IsohybridMbr(TEMPLATE).paddedSize(5269504));
    }

    @Test
    void moreThan1024CylindersCapsTheChsEnd() {
        byte[] mbr = new IsohybridMbr(TEMPLATE).build(1100L * 1024 * 1024, 40, 1);
        assertArrayEquals(new byte[] {(byte) 0x80, 0, 1, 0, 0x17, 0x3F, (byte) 0xE0, (byte) 0xFF, 0, 0, 0, 0, 0, 0x60,
            0x22, 0}, entry(mbr));
    }

    @Test
    void otherGeometry() {
        byte[] mbr = new IsohybridMbr(TEMPLATE, 255, 63, 0x17).build(5269504, 37, 1);
        assertArrayEquals(new byte[] {(byte) 0x80, 0, 1, 0, 0x17, (byte) 0xFE, 0x3F, 0, 0, 0, 0, 0, (byte) 0xC1, 0x3E,
            0, 0}, entry(mbr));
    }
}
