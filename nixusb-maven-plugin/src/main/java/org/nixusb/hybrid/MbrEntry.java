package org.nixusb.hybrid;

import org.nixusb.binary.Bytes;

/** One of the four partition entries of an MBR (bytes 446-509), as nixusb writes them. */
public final class MbrEntry {
    private MbrEntry() {
    }

    /** An MBR partition entry, with CHS addresses for 255 heads and 63 sectors (capped as LBA disks expect). */
    public static void write(byte[] mbr, int slot, boolean active, int type, long first, long sectors) {
        int e = 446 + 16 * slot;
        mbr[e] = (byte) (active ? 0x80 : 0);
        chs(mbr, e + 1, first);
        mbr[e + 4] = (byte) type;
        chs(mbr, e + 5, first + sectors - 1);
        Bytes.put32le(mbr, e + 8, first);
        Bytes.put32le(mbr, e + 12, Math.min(sectors, 0xFFFFFFFFL));
    }

    private static void chs(byte[] b, int off, long lba) {
        long c = lba / (255 * 63);
        int h = (int) (lba / 63 % 255);
        int s = (int) (lba % 63 + 1);
        if (c > 1023) {
            c = 1023;
            h = 254;
            s = 63;
        }
        b[off] = (byte) h;
        b[off + 1] = (byte) (s | ((c >> 2) & 0xC0));
        b[off + 2] = (byte) (c & 0xFF);
    }
}
