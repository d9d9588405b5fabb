package org.nixusb.eltorito;

import org.nixusb.binary.Bytes;


/**
 * One El Torito boot catalog entry (the initial/default entry or a section entry, 32 bytes):
 * boot indicator, media type, load segment, system type, sector count (512-byte units), load LBA.
 */
public record CatalogEntry(int platform, boolean bootable, int media, int loadSegment, int systemType,
        int sectorCount, long loadLba, byte[] raw) {

    public static final int PLATFORM_X86 = 0;
    public static final int PLATFORM_EFI = 0xEF;
    public static final int MEDIA_NO_EMULATION = 0;

    static CatalogEntry parse(int platform, byte[] b, int off) {
        byte[] raw = new byte[32];
        System.arraycopy(b, off, raw, 0, 32);
        return new CatalogEntry(platform, Bytes.u8(b, off) == 0x88, Bytes.u8(b, off + 1) & 0x0F,
                Bytes.u16le(b, off + 2), Bytes.u8(b, off + 4), Bytes.u16le(b, off + 6), Bytes.u32le(b, off + 8), raw);
    }

    /** A bootable no-emulation x86 entry as ISOLINUX wants it: load size 4 (one 2048-byte block). */
    public static CatalogEntry noEmulation(int platform, long lba, int sectorCount) {
        byte[] raw = new byte[32];
        raw[0] = (byte) 0x88;
        Bytes.put16le(raw, 6, sectorCount);
        Bytes.put32le(raw, 8, lba);
        return new CatalogEntry(platform, true, MEDIA_NO_EMULATION, 0, 0, sectorCount, lba, raw);
    }

    /**
     * The disk an emulating entry's image stands for (El Torito 1.0, section 2.2, the boot media type): 1.2, 1.44 and
     * 2.88 MB floppies and a hard disk; the BIOS then serves that image as drive 0x00 or 0x80.
     */
    public enum Emulation {
        FLOPPY_1200K(1, 1_228_800L, "1.2 MB floppy"),
        FLOPPY_1440K(2, 1_474_560L, "1.44 MB floppy"),
        FLOPPY_2880K(3, 2_949_120L, "2.88 MB floppy"),
        HARD_DISK(4, -1, "hard disk");

        private final int media;
        private final long bytes;
        private final String title;

        Emulation(int media, long bytes, String title) {
            this.media = media;
            this.bytes = bytes;
            this.title = title;
        }

        /** A floppy's size in bytes; -1 for a hard disk, whose size its own partition table says. */
        public long bytes() {
            return bytes;
        }

        public boolean floppy() {
            return this != HARD_DISK;
        }

        @Override
        public String toString() {
            return title;
        }

        static Emulation of(int media) {
            for (Emulation e : values()) {
                if (e.media == media) {
                    return e;
                }
            }
            return null;
        }
    }

    /** The disk this entry's image emulates, or null for no emulation (or a media type El Torito does not define). */
    public Emulation emulation() {
        return Emulation.of(media);
    }

    public String platformName() {
        return switch (platform) {
            case 0 -> "x86 BIOS";
            case 1 -> "PowerPC";
            case 2 -> "Mac";
            case PLATFORM_EFI -> "UEFI";
            default -> String.format("platform 0x%02x", platform);
        };
    }
}
