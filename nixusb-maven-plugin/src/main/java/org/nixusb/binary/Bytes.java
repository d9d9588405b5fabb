package org.nixusb.binary;

import java.nio.charset.StandardCharsets;

/**
 * Little- and big-endian field access in byte arrays, the one home of byte order for every on-disk structure
 * (ISO 9660's both-endian fields, El Torito, MBR, GPT, FAT, PE, the Linux boot header).
 */
public final class Bytes {
    private Bytes() {
    }

    public static int u8(byte[] b, int off) {
        return b[off] & 0xFF;
    }

    public static int u16le(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }

    public static int u16be(byte[] b, int off) {
        return (b[off] & 0xFF) << 8 | (b[off + 1] & 0xFF);
    }

    public static long u32le(byte[] b, int off) {
        return ((b[off] & 0xFFL) | (b[off + 1] & 0xFFL) << 8 | (b[off + 2] & 0xFFL) << 16
                | (b[off + 3] & 0xFFL) << 24);
    }

    public static long u32be(byte[] b, int off) {
        return ((b[off] & 0xFFL) << 24 | (b[off + 1] & 0xFFL) << 16 | (b[off + 2] & 0xFFL) << 8
                | (b[off + 3] & 0xFFL));
    }

    public static long u64le(byte[] b, int off) {
        return u32le(b, off) | u32le(b, off + 4) << 32;
    }

    public static void put64le(byte[] b, int off, long v) {
        put32le(b, off, v & 0xFFFFFFFFL);
        put32le(b, off + 4, v >>> 32);
    }

    public static void put16le(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
    }

    public static void put16be(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    public static void put32le(byte[] b, int off, long v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }

    public static void put32be(byte[] b, int off, long v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    /** Writes a 16-bit value in both byte orders (LE then BE), as ISO 9660 7.2.3 wants. */
    public static void put16both(byte[] b, int off, int v) {
        put16le(b, off, v);
        put16be(b, off + 2, v);
    }

    /** Writes a 32-bit value in both byte orders (LE then BE), as ISO 9660 7.3.3 wants. */
    public static void put32both(byte[] b, int off, long v) {
        put32le(b, off, v);
        put32be(b, off + 4, v);
    }

    public static String ascii(byte[] b, int off, int len) {
        return new String(b, off, len, StandardCharsets.ISO_8859_1);
    }

    public static boolean allZero(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
