package org.nixusb.output;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** The data of a file added to an image: bytes in memory, a host file, or byte ranges of another file. */
public interface FileContent {
    long size();

    /** Writes the content at {@code position} of {@code out}. */
    void writeTo(FileChannel out, long position) throws IOException;

    /** The whole content in memory (only for small files such as boot images). */
    byte[] readAll() throws IOException;

    /** Fills {@code dst} with the content's bytes from {@code offset} on (the range must lie inside the content). */
    void read(long offset, ByteBuffer dst) throws IOException;

    /** Fills {@code dst} from {@code channel} at {@code position}, failing if the channel ends first. */
    static void readFully(FileChannel channel, long position, ByteBuffer dst) throws IOException {
        long p = position;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, p);
            if (n < 0) {
                throw new IOException("the file ended at byte " + p + ", before the " + dst.remaining()
                        + " bytes still to read");
            }
            p += n;
        }
    }

    static FileContent of(byte[] bytes) {
        return new FileContent() {
            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public void writeTo(FileChannel out, long position) throws IOException {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                long p = position;
                while (b.hasRemaining()) {
                    p += out.write(b, p);
                }
            }

            @Override
            public byte[] readAll() {
                return bytes.clone();
            }

            @Override
            public void read(long offset, ByteBuffer dst) {
                dst.put(bytes, Math.toIntExact(offset), dst.remaining());
            }
        };
    }

    static FileContent of(Path file) throws IOException {
        long size = Files.size(file);
        return new FileContent() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public void writeTo(FileChannel out, long position) throws IOException {
                try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
                    Transfer.copy(in, 0, size, out, position);
                }
            }

            @Override
            public byte[] readAll() throws IOException {
                return Files.readAllBytes(file);
            }

            @Override
            public void read(long offset, ByteBuffer dst) throws IOException {
                try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
                    readFully(in, offset, dst);
                }
            }
        };
    }

    /** Byte ranges {@code [position, position+length)} of {@code source}, concatenated. */
    static FileContent ofRegions(FileChannel source, List<long[]> regions) {
        long total = 0;
        for (long[] r : regions) {
            total += r[1];
        }
        long size = total;
        return new FileContent() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public void writeTo(FileChannel out, long position) throws IOException {
                long p = position;
                for (long[] r : regions) {
                    Transfer.copy(source, r[0], r[1], out, p);
                    p += r[1];
                }
            }

            @Override
            public byte[] readAll() throws IOException {
                if (size > Integer.MAX_VALUE - 16) {
                    throw new IOException("too large to read into memory: " + size + " bytes");
                }
                ByteBuffer b = ByteBuffer.allocate((int) size);
                read(0, b);
                return b.array();
            }

            @Override
            public void read(long offset, ByteBuffer dst) throws IOException {
                long skip = offset;
                for (long[] r : regions) {
                    if (!dst.hasRemaining()) {
                        return;
                    }
                    if (skip >= r[1]) {
                        skip -= r[1];
                        continue;
                    }
                    int limit = dst.limit();
                    dst.limit(dst.position() + (int) Math.min(dst.remaining(), r[1] - skip));
                    readFully(source, r[0] + skip, dst);
                    dst.limit(limit);
                    skip = 0;
                }
                if (dst.hasRemaining()) {
                    throw new IOException("read past the end of the content (" + size + " bytes)");
                }
            }
        };
    }
}
