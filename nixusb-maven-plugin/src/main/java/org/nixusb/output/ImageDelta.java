package org.nixusb.output;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.nixusb.ProgressMeter;

/**
 * An output image as the difference from a byte copy of its source: positional writes, in the order
 * they were made (a later write wins where two overlap), and the final size (bytes beyond the source
 * and every write are zero). Planning into a delta needs no output file, so the copy of the source
 * runs meanwhile ({@link SourceCopy}), and the output's SHA-256 is computed from the source and the
 * delta while the copy runs, instead of reading the output again after it.
 */
public final class ImageDelta {
    private record Write(long position, FileContent content) {
    }

    /** A run of the final image: source bytes (content null, not zero), zeros, or part of a write. */
    private record Piece(long start, long length, boolean zero, FileContent content, long contentOffset) {
        long end() {
            return start + length;
        }

        Piece slice(long from, long to) {
            return new Piece(from, to - from, zero, content, contentOffset + (from - start));
        }
    }

    private static final int CHUNK = 256 * 1024;

    private final long sourceSize;
    private final List<Write> writes = new ArrayList<>();
    private long size;

    public ImageDelta(long sourceSize) {
        this.sourceSize = sourceSize;
        this.size = sourceSize;
    }

    /** The size of the image the delta makes. */
    public long size() {
        return size;
    }

    /** Records that {@code bytes} go at {@code position}; the array is copied, so later changes to it do not count. */
    public void write(byte[] bytes, long position) {
        write(FileContent.of(bytes.clone()), position);
    }

    /** Records that {@code content} goes at {@code position}. */
    public void write(FileContent content, long position) {
        if (position < 0) {
            throw new IllegalArgumentException("negative position " + position);
        }
        if (content.size() == 0) {
            return;
        }
        writes.add(new Write(position, content));
        size = Math.max(size, position + content.size());
    }

    /** Makes the image at least {@code newSize} bytes long, with zeros. */
    public void extendTo(long newSize) {
        size = Math.max(size, newSize);
    }

    /** Applies the delta to {@code out}, which holds a byte copy of the source. */
    public void applyTo(FileChannel out) throws IOException {
        for (Write w : writes) {
            w.content().writeTo(out, w.position());
        }
        if (out.size() < size) {
            ByteBuffer zero = ByteBuffer.allocate(1);
            while (zero.hasRemaining()) {
                out.write(zero, size - 1);
            }
        }
    }

    /**
     * The SHA-256 of the image this delta makes of {@code source}, read from the source and the writes.
     * Large source runs are hashed straight from the page cache through memory maps of a few MiB, each
     * unmapped as soon as it is hashed (see {@link MappedWindow}); small runs and writes are read.
     */
    public byte[] sha256(FileChannel source, ProgressMeter progress) throws IOException {
        return digest(source, "SHA-256", 0, size, progress);
    }

    /**
     * The digest ({@code algorithm}, as {@link MessageDigest} names it) of bytes {@code [from, to)} of the
     * image this delta makes of {@code source}.
     */
    public byte[] digest(FileChannel source, String algorithm, long from, long to, ProgressMeter progress)
            throws IOException {
        if (from < 0 || to > size || from > to) {
            throw new IllegalArgumentException("range " + from + ".." + to + " is outside the image (" + size
                    + " bytes)");
        }
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] chunk = new byte[CHUNK];
        ByteBuffer buffer = ByteBuffer.wrap(chunk);
        long done = 0;
        for (Piece whole : pieces()) {
            if (whole.end() <= from || whole.start() >= to) {
                continue;
            }
            Piece p = whole.slice(Math.max(from, whole.start()), Math.min(to, whole.end()));
            for (long at = 0; at < p.length(); ) {
                long left = p.length() - at;
                int n;
                if (p.zero()) {
                    n = (int) Math.min(CHUNK, left);
                    Arrays.fill(chunk, 0, n, (byte) 0);
                    digest.update(chunk, 0, n);
                } else if (p.content() == null && left >= MappedWindow.SIZE && MappedWindow.AVAILABLE) {
                    n = (int) Math.min(MappedWindow.SIZE, left);
                    MappedWindow.digest(source, p.start() + at, n, digest);
                } else {
                    n = (int) Math.min(CHUNK, left);
                    buffer.clear().limit(n);
                    if (p.content() == null) {
                        FileContent.readFully(source, p.start() + at, buffer);
                    } else {
                        p.content().read(p.contentOffset() + at, buffer);
                    }
                    digest.update(chunk, 0, n);
                }
                at += n;
                done += n;
                if (progress != null) {
                    progress.update(done);
                }
            }
        }
        return digest.digest();
    }

    /**
     * Adds the writes of {@code other}, a delta planned against the part of the same source that starts
     * {@code offset} bytes in (a partition's session), shifted to the whole image's positions.
     */
    public void merge(ImageDelta other, long offset) {
        for (Write w : other.writes) {
            write(w.content(), w.position() + offset);
        }
        extendTo(other.size + offset);
    }

    /** The final image as runs in order, covering 0 to {@link #size()} without gaps. */
    private List<Piece> pieces() {
        TreeMap<Long, Piece> map = new TreeMap<>();
        map.put(0L, new Piece(0, sourceSize, false, null, 0));
        if (size > sourceSize) {
            map.put(sourceSize, new Piece(sourceSize, size - sourceSize, true, null, 0));
        }
        for (Write w : writes) {
            overlay(map, new Piece(w.position(), w.content().size(), false, w.content(), 0));
        }
        List<Piece> out = new ArrayList<>();
        for (Piece p : map.values()) {
            if (p.length() > 0) {
                out.add(p);
            }
        }
        return out;
    }

    private static void overlay(TreeMap<Long, Piece> map, Piece w) {
        long start = w.start();
        long end = w.end();
        Map.Entry<Long, Piece> first = map.floorEntry(start);
        if (first != null && first.getKey() < start && first.getValue().end() > start) {
            Piece p = first.getValue();
            map.put(p.start(), p.slice(p.start(), start));
            map.put(start, p.slice(start, p.end())); // cut below, so the loop sees it start at the write
        }
        for (Piece p : new ArrayList<>(map.subMap(start, true, end, false).values())) {
            map.remove(p.start());
            if (p.end() > end) {
                map.put(end, p.slice(end, p.end()));
            }
        }
        map.put(start, w);
    }
}
