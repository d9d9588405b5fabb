package org.nixusb.checksum;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

import org.nixusb.binary.Bytes;
import org.nixusb.iso9660.VolumeDescriptor;

/**
 * The checksum that isomd5sum's {@code implantisomd5} writes and {@code checkisomd5} (and installers'
 * media checks) verify: an MD5 of the image up to 15 blocks before the end of the volume, with the
 * primary volume descriptor's 512-byte Application Use field blanked to spaces, plus 20 "fragment"
 * sums of 3 characters taken along the way, all written as ASCII into that field. It covers sector 0,
 * so it must be implanted after the MBR and GPT are written.
 */
public final class IsoMd5Sum {
    private static final int SECTOR = 2048;
    private static final int SKIP_SECTORS = 15;
    private static final int FRAGMENTS = 20;
    private static final int FRAGMENT_CHARS = 60 / FRAGMENTS;
    private static final int CHUNK = 16 * SECTOR;
    private static final int APPDATA_SIZE = 512;

    private IsoMd5Sum() {
    }

    /** The text implanted into the Application Use field. */
    public record Implant(String md5, String fragmentSums, String text) {
    }

    /**
     * Computes the sums of the image in {@code channel} (its primary volume descriptor at block {@code pvdLba})
     * and writes them into the Application Use field.
     */
    public static Implant implant(FileChannel channel, long pvdLba) throws IOException {
        long appdata = pvdLba * SECTOR + VolumeDescriptor.OFF_APPLICATION_USE;
        byte[] blanks = new byte[APPDATA_SIZE];
        Arrays.fill(blanks, (byte) ' ');
        write(channel, blanks, appdata);
        Implant sums = compute(channel, pvdLba);
        byte[] field = Arrays.copyOf(sums.text().getBytes(StandardCharsets.US_ASCII), APPDATA_SIZE);
        for (int i = sums.text().length(); i < APPDATA_SIZE; i++) {
            field[i] = ' ';
        }
        write(channel, field, appdata);
        return sums;
    }

    /** The sums of an image whose Application Use field is blank. */
    static Implant compute(FileChannel channel, long pvdLba) throws IOException {
        byte[] pvd = new byte[SECTOR];
        read(channel, ByteBuffer.wrap(pvd), pvdLba * SECTOR);
        long isoSize = Bytes.u32be(pvd, VolumeDescriptor.OFF_VOLUME_SPACE_SIZE + 4) * SECTOR;
        long total = isoSize - (long) SKIP_SECTORS * SECTOR;
        long fragmentSize = total / (FRAGMENTS + 1);
        MessageDigest md5 = md5();
        StringBuilder fragments = new StringBuilder();
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
        byte[] heap = new byte[CHUNK];
        long previous = 0;
        long offset = 0;
        while (offset < total) {
            int n = (int) Math.min(total - offset, CHUNK);
            buf.clear().limit(n);
            read(channel, buf, offset);
            buf.flip();
            buf.get(heap, 0, n);
            md5.update(heap, 0, n);
            long current = offset / fragmentSize;
            if (current != previous) {
                byte[] d = clone(md5).digest();
                for (int i = 0; i < FRAGMENT_CHARS; i++) {
                    fragments.append(Integer.toHexString(d[i] & 0xFF).charAt(0));
                }
                previous = current;
            }
            offset += n;
        }
        String sum = HexFormat.of().formatHex(md5.digest());
        String text = "ISO MD5SUM = " + sum + ";SKIPSECTORS = " + SKIP_SECTORS + ";RHLISOSTATUS=0;FRAGMENT SUMS = "
                + fragments + ";FRAGMENT COUNT = " + FRAGMENTS + ";THIS IS NOT THE SAME AS RUNNING MD5SUM ON THIS ISO!!";
        return new Implant(sum, fragments.toString(), text);
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MessageDigest clone(MessageDigest d) {
        try {
            return (MessageDigest) d.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void read(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        long p = pos;
        while (b.hasRemaining()) {
            int n = ch.read(b, p);
            if (n < 0) {
                throw new IOException("the image ends before its volume does");
            }
            p += n;
        }
    }

    private static void write(FileChannel ch, byte[] b, long pos) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b);
        long p = pos;
        while (buf.hasRemaining()) {
            p += ch.write(buf, p);
        }
    }
}
