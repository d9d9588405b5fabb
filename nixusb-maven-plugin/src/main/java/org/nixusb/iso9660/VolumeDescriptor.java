package org.nixusb.iso9660;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.nixusb.binary.Bytes;

/**
 * One 2048-byte volume descriptor (ISO 9660 8.1): the primary (type 1), supplementary or enhanced
 * (type 2; Joliet when its escape sequences say so), the boot record (type 0) or the set terminator (255).
 */
public final class VolumeDescriptor {
    public static final int TYPE_BOOT_RECORD = 0;
    public static final int TYPE_PRIMARY = 1;
    public static final int TYPE_SUPPLEMENTARY = 2;
    public static final int TYPE_PARTITION = 3;
    public static final int TYPE_TERMINATOR = 255;

    /** Byte offsets inside a primary or supplementary descriptor. */
    public static final int OFF_VOLUME_ID = 40;
    public static final int OFF_VOLUME_SPACE_SIZE = 80;
    public static final int OFF_ESCAPES = 88;
    public static final int OFF_BLOCK_SIZE = 128;
    public static final int OFF_PATH_TABLE_SIZE = 132;
    public static final int OFF_L_PATH_TABLE = 140;
    public static final int OFF_OPT_L_PATH_TABLE = 144;
    public static final int OFF_M_PATH_TABLE = 148;
    public static final int OFF_OPT_M_PATH_TABLE = 152;
    public static final int OFF_ROOT_RECORD = 156;
    public static final int OFF_MODIFICATION_DATE = 830;
    public static final int OFF_CREATION_DATE = 813;
    public static final int OFF_FILE_STRUCTURE_VERSION = 881;
    public static final int OFF_APPLICATION_USE = 883;

    private final long lba;
    private final byte[] data;

    public VolumeDescriptor(long lba, byte[] data) {
        this.lba = lba;
        this.data = data;
    }

    public long lba() {
        return lba;
    }

    /** The raw 2048 bytes (a live array: changes are written back by the remaster). */
    public byte[] data() {
        return data;
    }

    public int type() {
        return Bytes.u8(data, 0);
    }

    public boolean hasStandardId() {
        return "CD001".equals(Bytes.ascii(data, 1, 5));
    }

    public int version() {
        return Bytes.u8(data, 6);
    }

    public boolean isJoliet() {
        if (type() != TYPE_SUPPLEMENTARY) {
            return false;
        }
        String esc = Bytes.ascii(data, OFF_ESCAPES, 3);
        return esc.equals("%/@") || esc.equals("%/C") || esc.equals("%/E");
    }

    /** Volume identifier, trailing spaces removed (8-bit descriptors only; Joliet ids are UCS-2). */
    public String volumeId() {
        return Bytes.ascii(data, OFF_VOLUME_ID, 32).replaceAll("[ \\x00]+$", "");
    }

    public long volumeSpaceSize() {
        return Bytes.u32le(data, OFF_VOLUME_SPACE_SIZE);
    }

    public void setVolumeSpaceSize(long blocks) {
        Bytes.put32both(data, OFF_VOLUME_SPACE_SIZE, blocks);
    }

    public int logicalBlockSize() {
        return Bytes.u16le(data, OFF_BLOCK_SIZE);
    }

    public long pathTableSize() {
        return Bytes.u32le(data, OFF_PATH_TABLE_SIZE);
    }

    public long lPathTableLba() {
        return Bytes.u32le(data, OFF_L_PATH_TABLE);
    }

    public long optionalLPathTableLba() {
        return Bytes.u32le(data, OFF_OPT_L_PATH_TABLE);
    }

    public long mPathTableLba() {
        return Bytes.u32be(data, OFF_M_PATH_TABLE);
    }

    public long optionalMPathTableLba() {
        return Bytes.u32be(data, OFF_OPT_M_PATH_TABLE);
    }

    /** Points the descriptor at new path tables (the optional copies are cleared). */
    public void setPathTables(long size, long lLba, long mLba) {
        Bytes.put32both(data, OFF_PATH_TABLE_SIZE, size);
        Bytes.put32le(data, OFF_L_PATH_TABLE, lLba);
        Bytes.put32le(data, OFF_OPT_L_PATH_TABLE, 0);
        Bytes.put32be(data, OFF_M_PATH_TABLE, mLba);
        Bytes.put32be(data, OFF_OPT_M_PATH_TABLE, 0);
    }

    /** The 34-byte root directory record embedded in the descriptor. */
    public DirectoryRecord rootRecord() {
        byte[] r = new byte[34];
        System.arraycopy(data, OFF_ROOT_RECORD, r, 0, 34);
        return new DirectoryRecord(r, lba * ImageFile.BLOCK + OFF_ROOT_RECORD);
    }

    public void setRootExtent(long extentLba, long size) {
        Bytes.put32both(data, OFF_ROOT_RECORD + 2, extentLba);
        Bytes.put32both(data, OFF_ROOT_RECORD + 10, size);
    }

    public Instant creationDate() {
        return IsoTime.decodeLong(data, OFF_CREATION_DATE);
    }

    public Instant modificationDate() {
        return IsoTime.decodeLong(data, OFF_MODIFICATION_DATE);
    }

    /**
     * Fields that break readers although the rest of the descriptor is sound, with the value they must
     * have: the descriptor version (1; 2 for an ISO 9660:1999 enhanced descriptor) and the file structure
     * version (the same). Linux mounts such a volume; xorriso and isoinfo refuse it. Empty when sound.
     */
    public List<String> repairs() {
        List<String> out = new ArrayList<>();
        int want = expectedVersion();
        if (want > 0 && version() != want) {
            out.add("version " + version() + " at byte " + (lba * ImageFile.BLOCK + 6) + " (must be " + want + ")");
        }
        if ((type() == TYPE_PRIMARY || type() == TYPE_SUPPLEMENTARY)
                && Bytes.u8(data, OFF_FILE_STRUCTURE_VERSION) != want) {
            out.add("file structure version " + Bytes.u8(data, OFF_FILE_STRUCTURE_VERSION) + " at byte "
                    + (lba * ImageFile.BLOCK + OFF_FILE_STRUCTURE_VERSION) + " (must be " + want + ")");
        }
        return out;
    }

    /** Sets the fields {@link #repairs} names to their required values. */
    public void repair() {
        int want = expectedVersion();
        if (want > 0) {
            data[6] = (byte) want;
            if (type() == TYPE_PRIMARY || type() == TYPE_SUPPLEMENTARY) {
                data[OFF_FILE_STRUCTURE_VERSION] = (byte) want;
            }
        }
    }

    private int expectedVersion() {
        return switch (type()) {
            case TYPE_PRIMARY, TYPE_TERMINATOR -> 1;
            case TYPE_SUPPLEMENTARY -> isJoliet() || version() != 2 ? 1 : 2;
            default -> 0;
        };
    }

    /** Whether this is a valid El Torito boot record: type 0, version 1, "EL TORITO SPECIFICATION". */
    public boolean isElTorito() {
        return type() == TYPE_BOOT_RECORD && version() == 1 && bootSystemId().equals("EL TORITO SPECIFICATION");
    }

    /**
     * Whether this is meant as an El Torito boot record but damaged: type 0 with the El Torito identifier
     * and a wrong version, or an identifier a few characters away from it ("ZL TORITO ...").
     */
    public boolean isDamagedElTorito() {
        if (type() != TYPE_BOOT_RECORD || isElTorito()) {
            return false;
        }
        return distance(bootSystemId(), "EL TORITO SPECIFICATION") <= 4;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int[] cur = new int[b.length() + 1];
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1),
                        prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            prev = cur;
        }
        return prev[b.length()];
    }

    /** For a boot record: the system identifier, e.g. "EL TORITO SPECIFICATION". */
    public String bootSystemId() {
        return Bytes.ascii(data, 7, 32).replaceAll("[ \\x00]+$", "");
    }
}
