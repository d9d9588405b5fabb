package org.nixusb.output;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

import org.nixusb.BadInputException;

/**
 * Whether the output's file system has room for the image, checked before anything is written: where the copy
 * cannot share the source's blocks it needs the source's size, and the changes need the bytes they append. A
 * file system that may share blocks (XFS, btrfs, ...) is not refused up front: its clone costs nearly nothing,
 * and where it turns out not to share, a full disk still fails cleanly ({@link #isNoSpace}), leaving nothing.
 */
public final class DiskRoom {
    private static final long MIB = 1024 * 1024;
    /** kept free beyond what the image needs: metadata, the checksum file, the file system's own reserve */
    public static final long SLACK = 4 * MIB;

    private DiskRoom() {
    }

    /** Refuses before the copy when the output's file system cannot hold a full copy of the source. */
    public static void checkForCopy(Path source, long sourceSize, Path output) throws BadInputException {
        Path dir = output.getParent();
        if (SourceClone.mayShare(dir)) {
            return;
        }
        check(dir, output, sourceSize + SLACK, "a copy of the source (" + source.getFileName() + ", "
                + sourceSize + " bytes)");
    }

    /** Refuses before the changes are written when the file system cannot take the bytes they add. */
    public static void checkForChanges(Path output, long appended) throws BadInputException {
        if (appended <= 0) {
            return;
        }
        check(output.getParent(), output, appended + SLACK, "the " + appended + " bytes the remaster appends");
    }

    private static void check(Path dir, Path output, long needed, String what) throws BadInputException {
        long free;
        String type;
        try {
            FileStore store = Files.getFileStore(dir);
            free = store.getUsableSpace();
            type = store.type() + " at " + mountPoint(dir, store);
        } catch (IOException | RuntimeException e) {
            return; // cannot tell: the write itself will say
        }
        if (free < needed) {
            throw new BadInputException(output, String.format("not enough room on the output's file system (%s) for "
                    + "%s: %d bytes needed (%d MiB), %d bytes free (%d MiB); nothing was written", type, what, needed,
                    ceilMib(needed), free, free / MIB), "Free space there, set the output option to a file system with "
                    + "room, or write to a copy-on-write file system (XFS, btrfs), where the output shares the "
                    + "source's blocks").option("output");
        }
    }

    private static long ceilMib(long bytes) {
        return (bytes + MIB - 1) / MIB;
    }

    private static String mountPoint(Path dir, FileStore store) {
        String s = store.toString();
        int paren = s.lastIndexOf(" (");
        return paren > 0 ? s.substring(0, paren) : dir.toString();
    }

    /** Whether an exception says the disk filled up while writing. */
    public static boolean isNoSpace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }

    /** The clean error for a disk that filled up while the image was written (its temporary file is gone). */
    public static BadInputException filledUp(Path output, IOException e) {
        String type;
        long free;
        try {
            FileStore store = Files.getFileStore(output.getParent());
            type = store.type() + " at " + mountPoint(output.getParent(), store);
            free = store.getUsableSpace();
        } catch (IOException | RuntimeException unknown) {
            type = "unknown";
            free = -1;
        }
        return (BadInputException) new BadInputException(output.toString(), "the output's file system (" + type
                + ") filled up while the image was written (" + e.getMessage() + (free >= 0 ? "; " + free
                + " bytes free now" : "") + "); the partial image was removed", "Free space there, or set the output "
                + "option to a file system with room", e).option("output");
    }
}
