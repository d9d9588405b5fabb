package org.nixusb.iso9660;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Positional, bounds-checked reads from an image file. Every read outside the file is an {@link IsoFormatException}. */
public final class ImageFile implements Closeable {
    public static final int BLOCK = 2048;

    private final Path path;
    private final FileChannel channel;
    private final long offset;
    private final long size;

    private ImageFile(Path path, FileChannel channel, long offset) throws IOException {
        this.path = path;
        this.channel = channel;
        this.offset = offset;
        this.size = Math.max(0, channel.size() - offset);
    }

    public static ImageFile open(Path path) throws IOException {
        return open(path, 0);
    }

    /**
     * Opens the part of a file from byte {@code offset} on as an image of its own: a partition that holds
     * a second ISO 9660 session (xorriso's {@code -partition_offset}). Positions are relative to the offset.
     */
    public static ImageFile open(Path path, long offset) throws IOException {
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset " + offset);
        }
        return new ImageFile(path, FileChannel.open(path, StandardOpenOption.READ), offset);
    }

    /** Where this image starts in its file (0 unless it is a partition). */
    public long offset() {
        return offset;
    }

    public Path path() {
        return path;
    }

    /** The whole file's channel: its positions are the file's, not shifted by {@link #offset()}. */
    public FileChannel channel() {
        return channel;
    }

    public long size() {
        return size;
    }

    /** Number of whole or partial 2048-byte blocks in the file. */
    public long blocks() {
        return (size + BLOCK - 1) / BLOCK;
    }

    public byte[] read(long position, int length, String what) throws IOException, IsoFormatException {
        if (position < 0 || length < 0 || position + length > size) {
            throw new IsoFormatException(path, what + " lies at bytes " + position + ".." + (position + length)
                    + ", beyond the end of the file (" + size + " bytes): the image is truncated or damaged");
        }
        byte[] b = new byte[length];
        ByteBuffer buf = ByteBuffer.wrap(b);
        long p = position + offset;
        while (buf.hasRemaining()) {
            int n = channel.read(buf, p);
            if (n < 0) {
                throw new IsoFormatException(path, "unexpected end of file while reading " + what);
            }
            p += n;
        }
        return b;
    }

    public byte[] readBlock(long lba, String what) throws IOException, IsoFormatException {
        return read(lba * BLOCK, BLOCK, what);
    }

    /** Checks that an extent lies inside the file. */
    public void checkExtent(long lba, long length, String what) throws IsoFormatException {
        if (lba < 0 || lba * BLOCK + length > size) {
            throw new IsoFormatException(path, what + " (block " + lba + ", " + length
                    + " bytes) lies beyond the end of the file (" + size + " bytes): the image is truncated or damaged");
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
