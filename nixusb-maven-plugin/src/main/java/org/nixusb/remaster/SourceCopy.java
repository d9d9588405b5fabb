package org.nixusb.remaster;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.nixusb.ProgressMeter;

/**
 * The byte copy of the source that an output image starts as, made by a background thread while the
 * remaster reads the source's tree and plans its {@link ImageDelta}: the copy needs nothing from the
 * plan, so the planning costs no wall time. The copy is kernel-side ({@link Transfer}).
 */
final class SourceCopy implements AutoCloseable {
    private final Thread thread;
    private volatile boolean cancelled;
    private volatile Throwable failure;
    private volatile long nanos;

    private SourceCopy(Path source, long size, Path target, ProgressMeter progress) {
        thread = new Thread(() -> {
            long t0 = System.nanoTime();
            // No TRUNCATE_EXISTING: on ext4 (auto_da_alloc, the default), a file truncated to zero is
            // written back in full when it is closed, which here cost 0.7 s for 2 GiB. The target is a
            // new, empty file; anything past the copy is cut afterwards, to a non-zero size.
            try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
                    FileChannel out = FileChannel.open(target, StandardOpenOption.WRITE)) {
                Transfer.copy(in, 0, size, out, 0, progress, () -> cancelled);
                if (out.size() > size) {
                    out.truncate(size);
                }
            } catch (Throwable t) {
                failure = t;
            }
            nanos = System.nanoTime() - t0;
        }, "nixusb-copy " + source.getFileName());
        thread.setDaemon(true);
    }

    /** Starts copying the first {@code size} bytes of {@code source} over {@code target}. */
    static SourceCopy start(Path source, long size, Path target, ProgressMeter progress) {
        SourceCopy c = new SourceCopy(source, size, target, progress);
        c.thread.start();
        return c;
    }

    /** Waits for the copy; rethrows its failure. @return the seconds it took */
    double await() throws IOException {
        try {
            thread.join();
        } catch (InterruptedException e) {
            cancelled = true;
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while copying the source");
        }
        Throwable f = failure;
        if (f instanceof IOException io) {
            throw io;
        }
        if (f instanceof RuntimeException || f instanceof Error) {
            throw new UncheckedIOException(new IOException("copying the source failed: " + f, f));
        }
        return nanos / 1e9;
    }

    /** Stops a copy that is still running (the plan failed) and waits until it has let go of the files. */
    @Override
    public void close() {
        cancelled = true;
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
