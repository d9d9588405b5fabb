package org.nixusb.output;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.nixusb.ProgressMeter;

/**
 * The byte copy of the source that an output image starts as, made by a background thread while the
 * remaster reads the source's tree and plans its {@link ImageDelta}: the copy needs nothing from the
 * plan, so the planning costs no wall time. On a copy-on-write file system the copy shares the source's
 * blocks ({@link SourceClone}), which takes milliseconds and no space; elsewhere it is kernel-side
 * ({@link Transfer}).
 */
public final class SourceCopy implements AutoCloseable {
    private final Thread thread;
    private volatile boolean cancelled;
    private volatile Throwable failure;
    private volatile long nanos;
    private volatile boolean shared;
    private volatile String how = "";

    /** What the copy took and how it was made. */
    public record Done(double seconds, boolean shared, String how) {
    }

    private SourceCopy(Path source, long size, Path target, ProgressMeter progress) {
        thread = new Thread(() -> {
            long t0 = System.nanoTime();
            SourceClone.Outcome clone = SourceClone.tryClone(source, size, target);
            if (clone != null && clone.cloned()) {
                shared = true;
                how = clone.how();
                nanos = System.nanoTime() - t0;
                if (progress != null) {
                    progress.update(size);
                }
                return;
            }
            long freeBefore = SourceClone.javaShares() && SourceClone.mayShare(target.toAbsolutePath().getParent())
                    ? unallocated(target) : -1;
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
            long freeAfter = freeBefore < 0 ? -1 : unallocated(target);
            if (freeBefore >= 0 && freeAfter >= 0 && size >= 64L << 20) {
                long fell = Math.max(0, freeBefore - freeAfter);
                shared = fell < size / 4;
                how = String.format("copy_file_range%s: the file system's free space fell by %d MiB",
                        shared ? " shared its blocks" : "", fell >> 20);
            } else if (clone != null) {
                how = clone.how();
            }
        }, "nixusb-copy " + source.getFileName());
        thread.setDaemon(true);
    }

    /** Starts copying the first {@code size} bytes of {@code source} over {@code target}. */
    public static SourceCopy start(Path source, long size, Path target, ProgressMeter progress) {
        SourceCopy c = new SourceCopy(source, size, target, progress);
        c.thread.start();
        return c;
    }

    private static long unallocated(Path file) {
        try {
            return Files.getFileStore(file).getUnallocatedSpace();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Waits for the copy; rethrows its failure. @return what it took and how it was made */
    public Done await() throws IOException {
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
       return new Done(nanos / 1e9, shared, how);
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
