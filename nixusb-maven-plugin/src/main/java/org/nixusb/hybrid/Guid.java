package org.nixusb.hybrid;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/** GPT GUIDs: their mixed-endian on-disk form, and GUIDs derived from an image's identity (name based). */
public final class Guid {
    /** Basic Data (what isohybrid --uefi and xorriso -isohybrid-gpt-basdat use for both entries). */
    public static final UUID BASIC_DATA = UUID.fromString("EBD0A0A2-B9E5-4433-87C0-68B6B72699C7");
    public static final UUID EFI_SYSTEM = UUID.fromString("C12A7328-F81F-11D2-BA4B-00A0C93EC93B");

    private Guid() {
    }

    /** The 16 on-disk bytes: the first three fields little-endian, the rest as written. */
    public static byte[] toBytes(UUID u) {
        byte[] be = new byte[16];
        long hi = u.getMostSignificantBits();
        long lo = u.getLeastSignificantBits();
        for (int i = 0; i < 8; i++) {
            be[i] = (byte) (hi >>> (56 - 8 * i));
            be[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        return new byte[] {be[3], be[2], be[1], be[0], be[5], be[4], be[7], be[6], be[8], be[9], be[10], be[11],
            be[12], be[13], be[14], be[15]};
    }

    public static UUID fromBytes(byte[] b, int off) {
        byte[] be = {b[off + 3], b[off + 2], b[off + 1], b[off], b[off + 5], b[off + 4], b[off + 7], b[off + 6],
            b[off + 8], b[off + 9], b[off + 10], b[off + 11], b[off + 12], b[off + 13], b[off + 14], b[off + 15]};
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = hi << 8 | (be[i] & 0xFF);
            lo = lo << 8 | (be[8 + i] & 0xFF);
        }
        return new UUID(hi, lo);
    }

    /** A version-5-style GUID from a SHA-256 of the identity and a purpose ("disk", "partition 1", ...). */
    public static UUID derived(byte[] identity, String purpose) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(identity);
            sha.update(purpose.getBytes(StandardCharsets.UTF_8));
            byte[] d = sha.digest();
            d[6] = (byte) ((d[6] & 0x0F) | 0x50);
            d[8] = (byte) ((d[8] & 0x3F) | 0x80);
            long hi = 0;
            long lo = 0;
            for (int i = 0; i < 8; i++) {
                hi = hi << 8 | (d[i] & 0xFF);
                lo = lo << 8 | (d[8 + i] & 0xFF);
            }
            return new UUID(hi, lo);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
