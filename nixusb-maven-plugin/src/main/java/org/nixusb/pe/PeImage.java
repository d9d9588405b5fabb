package org.nixusb.pe;

import org.nixusb.binary.Bytes;

/**
 * What nixusb reads of a PE/COFF image (an EFI program): whether it carries an Authenticode signature,
 * which UEFI Secure Boot requires. The signature is a WIN_CERTIFICATE list that the Certificate Table
 * entry (data directory 4) of the optional header locates by file offset.
 */
public final class PeImage {
    /** WIN_CERT_TYPE_PKCS_SIGNED_DATA: an Authenticode signature. */
    private static final int PKCS_SIGNED_DATA = 0x0002;

    private PeImage() {
    }

    /** The program's kind, or null when it is no PE image. */
    public static String kind(byte[] pe) {
        int header = peHeader(pe);
        if (header < 0) {
            return null;
        }
        int magic = u16(pe, header + 24);
        return magic == 0x20B ? "PE32+" : magic == 0x10B ? "PE32" : null;
    }

    /** The COFF machine type (0x8664 x64, 0xaa64 arm64, 0x14c ia32), or 0 when it is no PE image. */
    public static int machine(byte[] pe) {
        int header = peHeader(pe);
        return header < 0 ? 0 : u16(pe, header + 4);
    }

    /** True when the image carries at least one Authenticode signature (not whether it verifies). */
    public static boolean signed(byte[] pe) {
        int header = peHeader(pe);
        if (header < 0) {
            return false;
        }
        int optional = header + 24;
        int magic = u16(pe, optional);
        int directories = magic == 0x20B ? optional + 112 : magic == 0x10B ? optional + 96 : -1;
        if (directories < 0 || directories + 5 * 8 > pe.length) {
            return false;
        }
        int count = (int) Math.min(u32(pe, directories - 4), 16);
        if (count < 5) {
            return false;
        }
        long offset = u32(pe, directories + 4 * 8);
        long size = u32(pe, directories + 4 * 8 + 4);
        if (size < 8 || offset < 0 || offset + size > pe.length) {
            return false;
        }
        long at = offset;
        while (at + 8 <= offset + size) {
            long length = u32(pe, (int) at);
            int type = u16(pe, (int) at + 6);
            if (type == PKCS_SIGNED_DATA && length > 8) {
                return true;
            }
            if (length < 8) {
                return false;
            }
            at += (length + 7) / 8 * 8;
        }
        return false;
    }

    private static int peHeader(byte[] pe) {
        if (pe.length < 0x40 || pe[0] != 'M' || pe[1] != 'Z') {
            return -1;
        }
        long at = u32(pe, 0x3C);
        if (at < 0x40 || at + 24 + 2 > pe.length || pe[(int) at] != 'P' || pe[(int) at + 1] != 'E'
                || pe[(int) at + 2] != 0 || pe[(int) at + 3] != 0) {
            return -1;
        }
        return (int) at;
    }

    /** A field of a possibly cut-short header: 0 past its end. */
    private static int u16(byte[] b, int o) {
        return o + 2 > b.length ? 0 : Bytes.u16le(b, o);
    }

    private static long u32(byte[] b, int o) {
        return o + 4 > b.length ? 0 : Bytes.u32le(b, o);
    }
}
