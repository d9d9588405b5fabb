package org.nixusb.checksum;

import org.nixusb.iso9660.IsoEntry;
import org.nixusb.iso9660.IsoVolume;

/**
 * xorriso's MD5 checksum array ({@code --md5}, libisofs): {@code count} entries of 16 bytes at block
 * {@code end}, which the root's AAIP attribute {@code isofs.ca} locates. Entry 0 is the MD5 of blocks
 * {@code [start, end)}, the session up to the array, which {@code xorriso -check_md5} compares; entries 1
 * to count-2 are the MD5s of the data files whose attribute {@code isofs.cx} holds their index; the last
 * is the MD5 of all entries before it.
 *
 * @param start first block of the checksummed range (negative in a second session: before its start)
 * @param end the block after the range, where the array is
 */
public record XorrisoChecksumArray(long start, long end, int count) {
    public static final int ENTRY = 16;
    private static final int MAX_ENTRIES = 16 * 1024 * 1024;

    /** The array the root of {@code v} names, or null when it has none (or one nixusb cannot update). */
    public static XorrisoChecksumArray of(IsoVolume v) {
        byte[] ca = v.root().systemUse() == null ? null : v.root().systemUse().isofsAttributes().get("isofs.ca");
        if (ca == null) {
            return null;
        }
        int[] at = {0};
        Long start = number(ca, at);
        Long end = number(ca, at);
        Long count = number(ca, at);
        Long size = number(ca, at);
        if (start == null || end == null || count == null || size == null || size != ENTRY) {
            return null;
        }
        String name = new String(ca, at[0], ca.length - at[0], java.nio.charset.StandardCharsets.ISO_8859_1);
        if (!name.equals("MD5") || count < 2 || count > MAX_ENTRIES || end < 0 || start > end) {
            return null;
        }
        // a second session's range starts before it: the value is a 32-bit two's complement
        long s = start >= 0x80000000L ? start - 0x100000000L : start;
        return new XorrisoChecksumArray(s, end, count.intValue());
    }

    /** The file's index in the array ({@code isofs.cx}), or -1. */
    public static long index(IsoEntry file) {
        byte[] cx = file.systemUse() == null ? null : file.systemUse().isofsAttributes().get("isofs.cx");
        if (cx == null || cx.length == 0 || cx.length > 4) {
            return -1;
        }
        long v = 0;
        for (byte b : cx) {
            v = (v << 8) | (b & 0xFF);
        }
        return v;
    }

    /** A length-prefixed big-endian number, as {@code isofs.ca} holds them. */
    private static Long number(byte[] b, int[] at) {
        if (at[0] >= b.length) {
            return null;
        }
        int len = b[at[0]] & 0xFF;
        if (len == 0 || len > 8 || at[0] + 1 + len > b.length) {
            return null;
        }
        long v = 0;
        for (int i = 0; i < len; i++) {
            v = (v << 8) | (b[at[0] + 1 + i] & 0xFF);
        }
        at[0] += 1 + len;
        return v;
    }
}
