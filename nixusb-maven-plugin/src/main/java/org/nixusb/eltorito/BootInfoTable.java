package org.nixusb.eltorito;

import org.nixusb.binary.Bytes;


/**
 * The 56-byte boot info table that mkisofs' -boot-info-table writes at offset 8 of a no-emulation
 * boot file: LBA of the primary volume descriptor, LBA of the boot file, its length, and the 32-bit
 * sum of all little-endian dwords from byte 64 to the end.
 */
public final class BootInfoTable {
    public static final int OFFSET = 8;
    public static final int LENGTH = 56;

    private BootInfoTable() {
    }

    public static long checksum(byte[] file) {
        long sum = 0;
        for (int i = 64; i < file.length; i += 4) {
            long v = 0;
            for (int k = 0; k < 4 && i + k < file.length; k++) {
                v |= (file[i + k] & 0xFFL) << (8 * k);
            }
            sum = (sum + v) & 0xFFFFFFFFL;
        }
        return sum;
    }

    /** Writes the table into a copy of the boot file (never into the host's file). */
    public static byte[] patched(byte[] bootFile, long pvdLba, long fileLba) {
        if (bootFile.length < 64) {
            throw new IllegalArgumentException("a boot file of " + bootFile.length + " bytes has no room for a boot info table");
        }
        byte[] b = bootFile.clone();
        Bytes.put32le(b, 8, pvdLba);
        Bytes.put32le(b, 12, fileLba);
        Bytes.put32le(b, 16, b.length);
        Bytes.put32le(b, 20, checksum(b));
        for (int i = 24; i < 64; i++) {
            b[i] = 0;
        }
        return b;
    }

    /** True when the table in the file is consistent with the given LBAs and the file's content. */
    public static boolean valid(byte[] bootFile, long pvdLba, long fileLba) {
        return bootFile.length >= 64 && Bytes.u32le(bootFile, 8) == pvdLba && Bytes.u32le(bootFile, 12) == fileLba
                && Bytes.u32le(bootFile, 16) == bootFile.length && Bytes.u32le(bootFile, 20) == checksum(bootFile);
    }
}
