package org.nixusb.remaster;

import java.io.IOException;
import java.nio.channels.FileChannel;

/** Kernel-side copies between file channels (copy_file_range/sendfile on Linux): file data never passes through the heap. */
public final class Transfer {
    private Transfer() {
    }

    /** Copies {@code length} bytes from {@code in} at {@code from} to {@code out} at {@code to}. */
    public static void copy(FileChannel in, long from, long length, FileChannel out, long to) throws IOException {
        long done = 0;
        out.position(to);
        while (done < length) {
            long n = in.transferTo(from + done, length - done, out);
            if (n <= 0) {
                if (from + done >= in.size()) {
                    throw new IOException("source ended after " + done + " of " + length + " bytes");
                }
                continue;
            }
            done += n;
        }
    }
}
