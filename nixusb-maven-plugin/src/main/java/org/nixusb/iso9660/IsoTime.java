package org.nixusb.iso9660;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

import org.nixusb.binary.Bytes;

/** The two date formats of ISO 9660: the 7-byte directory record date (9.1.5) and the 17-byte volume date (8.4.26.1). */
public final class IsoTime {
    private IsoTime() {
    }

    /** Decodes a 7-byte recording date; returns null when it is all zero or invalid. */
    public static Instant decodeShort(byte[] b, int off) {
        int year = Bytes.u8(b, off) + 1900;
        int month = Bytes.u8(b, off + 1);
        int day = Bytes.u8(b, off + 2);
        int hour = Bytes.u8(b, off + 3);
        int minute = Bytes.u8(b, off + 4);
        int second = Bytes.u8(b, off + 5);
        int gmtOffset = b[off + 6]; // signed, 15-minute units
        if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
            return null;
        }
        try {
            LocalDateTime local = LocalDateTime.of(year, month, day, hour, minute, Math.min(second, 59));
            return local.toInstant(ZoneOffset.ofTotalSeconds(gmtOffset * 15 * 60));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Encodes an instant as a 7-byte recording date in UTC. */
    public static byte[] encodeShort(Instant t) {
        LocalDateTime d = LocalDateTime.ofInstant(t, ZoneOffset.UTC);
        return new byte[] {(byte) (d.getYear() - 1900), (byte) d.getMonthValue(), (byte) d.getDayOfMonth(),
            (byte) d.getHour(), (byte) d.getMinute(), (byte) d.getSecond(), 0};
    }

    /** Encodes an instant as a 17-byte date ("YYYYMMDDhhmmsscc" in UTC, then offset 0). */
    public static byte[] encodeLong(Instant t) {
        LocalDateTime d = LocalDateTime.ofInstant(t, ZoneOffset.UTC);
        String s = String.format("%04d%02d%02d%02d%02d%02d%02d", d.getYear(), d.getMonthValue(), d.getDayOfMonth(),
                d.getHour(), d.getMinute(), d.getSecond(), d.getNano() / 10_000_000);
        byte[] b = new byte[17];
        System.arraycopy(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, b, 0, 16);
        return b;
    }

    /** Decodes a 17-byte volume date ("YYYYMMDDhhmmsscc" + offset); returns null when unset. */
    public static Instant decodeLong(byte[] b, int off) {
        String s = Bytes.ascii(b, off, 16);
        if (!s.matches("\\d{16}") || s.startsWith("0000")) {
            return null;
        }
        try {
            LocalDateTime local = LocalDateTime.of(Integer.parseInt(s.substring(0, 4)),
                    Integer.parseInt(s.substring(4, 6)), Integer.parseInt(s.substring(6, 8)),
                    Integer.parseInt(s.substring(8, 10)), Integer.parseInt(s.substring(10, 12)),
                    Math.min(59, Integer.parseInt(s.substring(12, 14))),
                    Integer.parseInt(s.substring(14, 16)) * 10_000_000);
            return local.toInstant(ZoneOffset.ofTotalSeconds(b[off + 16] * 15 * 60));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
