package org.nixusb.eltorito;

import java.nio.charset.StandardCharsets;

import org.nixusb.binary.Bytes;
import org.nixusb.iso9660.ImageFile;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.iso9660.VolumeDescriptor;

/**
 * The El Torito boot record volume descriptor: type 0, "CD001", version 1, the boot system identifier
 * "EL TORITO SPECIFICATION" at byte 7, and the boot catalog's block, little-endian, at byte 71. The one
 * place that knows where the catalog pointer is.
 */
public final class BootRecord {
    /** Where the catalog's block number is in the descriptor. */
    public static final int OFF_CATALOG = 71;
    public static final String SYSTEM_ID = "EL TORITO SPECIFICATION";

    private BootRecord() {
    }

    /** The catalog block a boot record names. */
    public static long catalogLba(VolumeDescriptor bootRecord) {
        return Bytes.u32le(bootRecord.data(), OFF_CATALOG);
    }

    /** The catalog block of the volume's valid boot record, or -1 when it has none. */
    public static long catalogLba(IsoVolume volume) {
        VolumeDescriptor br = volume.bootRecord();
        return br == null ? -1 : catalogLba(br);
    }

    /**
     * The volume's El Torito catalog, or null when it has no valid boot record.
     *
     * @throws IllegalArgumentException when the catalog is damaged
     */
    public static BootCatalog readCatalog(IsoVolume volume) throws java.io.IOException,
            org.nixusb.iso9660.IsoFormatException {
        long lba = catalogLba(volume);
        return lba < 0 ? null : BootCatalog.parse(volume.image().readBlock(lba, "the El Torito boot catalog"));
    }

    /** Points a boot record (its descriptor bytes, written with the others) at {@code lba}. */
    public static void setCatalogLba(VolumeDescriptor bootRecord, long lba) {
        Bytes.put32le(bootRecord.data(), OFF_CATALOG, lba);
    }

    /** A new boot record naming the catalog at {@code catalogLba}. */
    public static byte[] encode(long catalogLba) {
        byte[] rec = new byte[ImageFile.BLOCK];
        rec[0] = VolumeDescriptor.TYPE_BOOT_RECORD;
        System.arraycopy("CD001".getBytes(StandardCharsets.US_ASCII), 0, rec, 1, 5);
        rec[6] = 1;
        byte[] sys = SYSTEM_ID.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(sys, 0, rec, 7, sys.length);
        Bytes.put32le(rec, OFF_CATALOG, catalogLba);
        return rec;
    }
}
