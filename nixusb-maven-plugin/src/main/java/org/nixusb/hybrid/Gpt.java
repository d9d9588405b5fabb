package org.nixusb.hybrid;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.zip.CRC32;

import org.nixusb.binary.Bytes;

/**
 * The GUID partition table (UEFI 2.10, 5.3): its header and entry array, read and checked ({@link Header}) and
 * written, with their CRC32s; the one home of the GPT's layout for every reader and writer of the stick layouts.
 * <p>
 * An instance writes nixusb's GPTs: a header at sector 1 and 128 entries of 128 bytes from sector 2, a backup of
 * both at the end of the padded image. {@link #entries} is the isohybrid --uefi entry array (the layout of isohybrid
 * -u and xorriso -isohybrid-gpt-basdat): entry 1 ("ISOHybrid ISO") covers the ISO from sector 0, so it overlaps the
 * GPT itself; entry 2 ("ISOHybrid") covers the El Torito EFI image; both are Basic Data partitions. The gpt and
 * appended layouts write their own entries with {@link #entry} and the same {@link #header}.
 */
public final class Gpt {
    /** The header's first eight bytes. */
    public static final String SIGNATURE = "EFI PART";
    public static final int ENTRIES = 128;
    public static final int ENTRY_SIZE = 128;
    /** Sectors the entry array takes. */
    public static final int ENTRY_SECTORS = ENTRIES * ENTRY_SIZE / 512;

    private final UUID disk;
    private final UUID isoPartition;
    private final UUID efiPartition;

    public Gpt(UUID disk, UUID isoPartition, UUID efiPartition) {
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
        Bytes.put64le(a, o + 32, first);
        Bytes.put64le(a, o + 40, last);
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
        System.arraycopy(SIGNATURE.getBytes(StandardCharsets.US_ASCII), 0, h, 0, 8);
        Bytes.put32le(h, 8, 0x00010000L);
        Bytes.put32le(h, 12, 92);
        Bytes.put64le(h, 24, current);
        Bytes.put64le(h, 32, backup);
        Bytes.put64le(h, 40, 34);
        Bytes.put64le(h, 48, totalSectors - 34);
        System.arraycopy(Guid.toBytes(disk), 0, h, 56, 16);
        Bytes.put64le(h, 72, entriesLba);
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

    /** Whether {@code buf} holds "EFI PART" at {@code off} (a GPT header, valid or not). */
    public static boolean signed(byte[] buf, int off) {
        return buf.length >= off + 8 && SIGNATURE.equals(Bytes.ascii(buf, off, 8));
    }

    /**
     * A GPT header as read from an image, every field the image's word.
     *
     * @param size the header size field (92 in every writer's headers; 92 to 512 is plausible)
     * @param crcValid the header's CRC32 over {@code size} bytes checks out (false for an implausible size)
     * @param current the sector the header says it is in
     * @param backup the sector of the other header
     * @param entriesLba the sector of this header's entry array
     * @param count the number of entries
     * @param entrySize the size of one entry
     * @param entriesCrc the entry array's CRC32 the header records
     */
    public record Header(long size, boolean crcValid, long current, long backup, long firstUsable, long lastUsable,
            long entriesLba, long count, long entrySize, long entriesCrc) {

        /** The header at {@code off} in {@code buf}, or null when there is no "EFI PART" there. */
        public static Header read(byte[] buf, int off) {
            if (!signed(buf, off) || buf.length < off + 92) {
                return null;
            }
            long size = Bytes.u32le(buf, off + 12);
            boolean crc = false;
            if (size >= 92 && size <= 512 && buf.length >= off + size) {
                byte[] h = java.util.Arrays.copyOfRange(buf, off, off + (int) size);
                Bytes.put32le(h, 16, 0);
                crc = crc(h, 0, h.length) == Bytes.u32le(buf, off + 16);
            }
            return new Header(size, crc, Bytes.u64le(buf, off + 24), Bytes.u64le(buf, off + 32),
                    Bytes.u64le(buf, off + 40), Bytes.u64le(buf, off + 48), Bytes.u64le(buf, off + 72),
                    Bytes.u32le(buf, off + 80), Bytes.u32le(buf, off + 84), Bytes.u32le(buf, off + 88));
        }

        /** The entry array's bytes, {@code count} x {@code entrySize}; a long, as the image may claim anything. */
        public long entryBytes() {
            return count * entrySize;
        }

        /** Whether {@code entries} (read from {@link #entriesLba}) match the CRC32 this header records. */
        public boolean entriesMatch(byte[] entries) {
            return crc(entries, 0, entries.length) == entriesCrc;
        }
    }
}
