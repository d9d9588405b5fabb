package org.nixusb.hybrid;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.zip.CRC32;

import org.nixusb.iso9660.Bytes;

/**
 * The GPT of an isohybrid --uefi image (the layout of isohybrid -u and xorriso -isohybrid-gpt-basdat):
 * header at sector 1 and 128 entries of 128 bytes from sector 2, a backup of both at the end of the
 * padded image. Entry 1 ("ISOHybrid ISO") covers the ISO from sector 0, so it overlaps the GPT itself;
 * entry 2 ("ISOHybrid") covers the El Torito EFI image. Both are Basic Data partitions.
 */
public final class HybridGpt {
    public static final int ENTRIES = 128;
    public static final int ENTRY_SIZE = 128;
    /** Sectors the entry array takes. */
    public static final int ENTRY_SECTORS = ENTRIES * ENTRY_SIZE / 512;

    private final UUID disk;
    private final UUID isoPartition;
    private final UUID efiPartition;

    public HybridGpt(UUID disk, UUID isoPartition, UUID efiPartition) {
        this.disk = disk;
        this.isoPartition = isoPartition;
        this.efiPartition = efiPartition;
    }

    /** The entry array. */
    public byte[] entries(long isoSectors, long efiStart, long efiSectors) {
        byte[] a = new byte[ENTRIES * ENTRY_SIZE];
        entry(a, 0, Guid.BASIC_DATA, isoPartition, 0, isoSectors - 1, "ISOHybrid ISO");
        entry(a, 1, Guid.BASIC_DATA, efiPartition, efiStart, efiStart + efiSectors - 1, "ISOHybrid");
        return a;
    }

    static void entry(byte[] a, int index, UUID type, UUID id, long first, long last, String name) {
        int o = index * ENTRY_SIZE;
        System.arraycopy(Guid.toBytes(type), 0, a, o, 16);
        System.arraycopy(Guid.toBytes(id), 0, a, o + 16, 16);
        putLong(a, o + 32, first);
        putLong(a, o + 40, last);
        byte[] n = name.getBytes(StandardCharsets.UTF_16LE);
        System.arraycopy(n, 0, a, o + 56, Math.min(n.length, 72));
    }

    /**
     * A header sector.
     *
     * @param current the sector this header is in
     * @param backup the other header's sector
     * @param totalSectors sectors of the padded image
     * @param entriesLba where this header's entry array is
     */
    public byte[] header(long current, long backup, long totalSectors, long entriesLba, byte[] entries) {
        byte[] h = new byte[512];
        System.arraycopy("EFI PART".getBytes(StandardCharsets.US_ASCII), 0, h, 0, 8);
        Bytes.put32le(h, 8, 0x00010000L);
        Bytes.put32le(h, 12, 92);
        putLong(h, 24, current);
        putLong(h, 32, backup);
        putLong(h, 40, 34);
        putLong(h, 48, totalSectors - 34);
        System.arraycopy(Guid.toBytes(disk), 0, h, 56, 16);
        putLong(h, 72, entriesLba);
        Bytes.put32le(h, 80, ENTRIES);
        Bytes.put32le(h, 84, ENTRY_SIZE);
        Bytes.put32le(h, 88, crc(entries, 0, entries.length));
        Bytes.put32le(h, 16, crc(h, 0, 92));
        return h;
    }

    public static long crc(byte[] b, int off, int len) {
        CRC32 c = new CRC32();
        c.update(b, off, len);
        return c.getValue();
    }

    private static void putLong(byte[] b, int off, long v) {
        Bytes.put32le(b, off, v & 0xFFFFFFFFL);
        Bytes.put32le(b, off + 4, v >>> 32);
    }
}
