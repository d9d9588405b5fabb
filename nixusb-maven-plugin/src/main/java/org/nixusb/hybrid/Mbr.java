package org.nixusb.hybrid;

/**
 * The master boot record in sector 0, as the BIOS reads it: boot code in bytes 0-439, the disk signature at 440,
 * four 16-byte partition entries from byte 446, and the 0x55 0xAA signature in bytes 510-511. The one place that
 * knows these offsets and the signature; the readers and writers of each layout use it.
 */
public final class Mbr {
    /** The bytes of boot code before the disk signature. */
    public static final int BOOT_CODE = 440;
    /** Where the first of the four partition entries starts. */
    public static final int TABLE = 446;
    /** The size of one partition entry. */
    public static final int ENTRY = 16;
    /** Where the 0x55 0xAA signature lies. */
    public static final int SIGNATURE = 510;

    private Mbr() {
    }

    /** Whether {@code sector} (sector 0 or more of an image) ends its first 512 bytes with 0x55 0xAA. */
    public static boolean signed(byte[] sector) {
        return sector.length >= 512 && (sector[SIGNATURE] & 0xFF) == 0x55 && (sector[SIGNATURE + 1] & 0xFF) == 0xAA;
    }

    /** Writes the 0x55 0xAA signature into {@code sector}. */
    public static void sign(byte[] sector) {
        sector[SIGNATURE] = 0x55;
        sector[SIGNATURE + 1] = (byte) 0xAA;
    }

    /** The offset of partition entry {@code slot} (0 to 3) in sector 0. */
    public static int entry(int slot) {
        if (slot < 0 || slot > 3) {
            throw new IllegalArgumentException("an MBR has partition entries 0 to 3, not " + slot);
        }
        return TABLE + ENTRY * slot;
    }
}
