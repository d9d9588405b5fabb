package org.nixusb.output;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.util.function.BooleanSupplier;

import org.nixusb.ProgressMeter;

/** Kernel-side copies between file channels (sendfile on Linux with JDK 17): file data never passes through the heap. */
public final class Transfer {
    private Transfer() {
    }

    /** The most one kernel call copies, so that progress and cancellation are looked at between calls. */
    private static final long CHUNK = 64L * 1024 * 1024;

    /** Copies {@code length} bytes from {@code in} at {@code from} to {@code out} at {@code to}. */
    public static void copy(FileChannel in, long from, long length, FileChannel out, long to) throws IOException {
        copy(in, from, length, out, to, null, () -> false);
    }

    /**
     * The same, reporting progress to {@code progress} (may be null) and stopping with an
     * {@link InterruptedIOException} when {@code cancelled} turns true.
     */
    public static void copy(FileChannel in, long from, long length, FileChannel out, long to, ProgressMeter progress,
            BooleanSupplier cancelled) throws IOException {
        long done = 0;
        out.position(to);
        while (done < length) {
            if (cancelled.getAsBoolean()) {
                throw new InterruptedIOException("copy cancelled after " + done + " of " + length + " bytes");
            }
            if (progress != null) {
                progress.update(done);
            }
            long n = in.transferTo(from + done, Math.min(CHUNK, length - done), out);
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
