package org.nixusb.output;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The temporary file one build writes its output into ({@code .<output>.<n>.part}, beside the output), claimed by
 * a lock file of its own ({@code .<output>.<n>.part.lock}) that the build holds locked from before the part exists
 * until after it is gone; its copy-on-write clone directory is {@code .<output>.<n>.part.clone-<m>}, and an empty
 * overlay directory it may need {@code .<output>.<n>.part.overlay-<m>}.
 * <p>
 * A build killed while it writes (a CI timeout, {@code kill -9}, the OOM killer) cannot delete its part, but the
 * operating system releases its lock. So before writing, a build removes every part of the same output whose lock
 * it can take (its owner is gone), with the lock file and the clone directory; a part whose lock another
 * process holds is another build at work and is never touched. Parts left by builds from before locks (no lock
 * file at all) are removed too. Locks are the operating system's advisory file locks: released by the kernel when a
 * process ends however it ends. Within one JVM, lock files this JVM holds are never opened again (closing any
 * channel of a locked file can release the lock on some systems), so parallel builds in one Maven run are safe too.
 */
public final class PartFile implements AutoCloseable {
    /** lock files this JVM holds */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();
    private static final long MIB = 1024 * 1024;

    private final Path part;
    private final Path lock;
    private final FileChannel channel;
    private final FileLock fileLock;

    private PartFile(Path part, Path lock, FileChannel channel, FileLock fileLock) {
        this.part = part;
        this.lock = lock;
        this.channel = channel;
        this.fileLock = fileLock;
    }

    /** What an earlier, interrupted build left: the paths removed and the bytes they freed. */
    public record Removed(List<Path> paths, long bytes) {
    }

    /** The temporary file this build writes (created, empty, readable by this user only). */
    public Path path() {
        return part;
    }

    /** Claims a new part file for {@code output} in {@code output}'s directory. */
    public static PartFile claim(Path output) throws IOException {
        Path dir = output.getParent();
        String prefix = "." + output.getFileName() + ".";
        for (int attempt = 0; ; attempt++) {
            Path lock = Files.createTempFile(dir, prefix, ".part.lock");
            FileChannel ch = FileChannel.open(lock, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.lock();
            } catch (IOException | RuntimeException e) {
                ch.close();
                Files.deleteIfExists(lock);
                throw e;
            }
            // another build's clean-up may have taken the lock file for a dead one's between its creation and the
            // lock: then it is gone (or going), and a new one is made
            if (!Files.exists(lock, LinkOption.NOFOLLOW_LINKS)) {
                l.release();
                ch.close();
                if (attempt > 8) {
                    throw new IOException("cannot claim a temporary file in " + dir + ": its lock files keep vanishing");
                }
                continue;
            }
            HELD.add(lock.toAbsolutePath().normalize());
            String name = lock.getFileName().toString();
            Path part = dir.resolve(name.substring(0, name.length() - ".lock".length()));
            try {
                Files.createFile(part);
                try {
                    Files.setPosixFilePermissions(part, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException notPosix) {
                    // the platform's default
                }
            } catch (IOException | RuntimeException e) {
                HELD.remove(lock.toAbsolutePath().normalize());
                l.release();
                ch.close();
                Files.deleteIfExists(lock);
                throw e;
            }
            return new PartFile(part, lock, ch, l);
        }
    }

    /**
     * Removes the parts (with their lock files and clone directories) that builds of {@code output} which no longer
     * run left behind; never one whose lock is held.
     */
    public static Removed removeLeftovers(Path output) {
        Path dir = output.getParent();
        Pattern ours = Pattern.compile(Pattern.quote("." + output.getFileName() + ".")
                + "(\\d+\\.part)(\\.lock|\\.(?:clone|overlay)-\\d+)?");
        Set<String> stems = new TreeSet<>();
        boolean oldClones = false;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String n = p.getFileName().toString();
                Matcher m = ours.matcher(n);
                if (m.matches()) {
                    stems.add(n.substring(0, n.length() - (m.group(2) == null ? 0 : m.group(2).length())));
                } else if (n.startsWith(".nixusb-clone-")) {
                    oldClones = true;
                }
            }
        } catch (IOException e) {
            return new Removed(List.of(), 0);
        }
        List<Path> removed = new ArrayList<>();
        long[] bytes = {0};
        for (String stem : stems) {
            Path part = dir.resolve(stem);
            Path lock = dir.resolve(stem + ".lock");
            if (HELD.contains(lock.toAbsolutePath().normalize())) {
                continue;
            }
            try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                FileLock l;
                try {
                    l = ch.tryLock();
                } catch (OverlappingFileLockException sameJvm) {
                    continue;
                }
                if (l == null) {
                    continue; // a build at work
                }
                try {
                    removeStem(dir, stem, removed, bytes);
                    Files.deleteIfExists(lock);
                    removed.add(lock);
                } finally {
                    l.release();
                }
            } catch (NoSuchFileException noLock) {
                // no lock file: a part from a build before locks, or one whose clean-up another build finishes
                if (!Files.exists(lock, LinkOption.NOFOLLOW_LINKS)) {
                    removeStem(dir, stem, removed, bytes);
                }
            } catch (IOException unreadable) {
                // not ours to judge
            }
        }
        if (oldClones) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, ".nixusb-clone-*")) {
                for (Path p : entries) {
                    bytes[0] += deleteTree(p);
                    removed.add(p);
                }
            } catch (IOException ignored) {
                // best effort
            }
        }
        return new Removed(List.copyOf(removed), bytes[0]);
    }

    private static void removeStem(Path dir, String stem, List<Path> removed, long[] bytes) {
        Path part = dir.resolve(stem);
        try {
            if (Files.exists(part, LinkOption.NOFOLLOW_LINKS)) {
                bytes[0] += Files.size(part);
                Files.deleteIfExists(part);
                removed.add(part);
            }
        } catch (IOException ignored) {
            // best effort
        }
        for (Path c : directories(dir, stem)) {
            bytes[0] += deleteTree(c);
            removed.add(c);
        }
    }

    /** The clone and overlay directories of the part named {@code stem}. */
    private static List<Path> directories(Path dir, String stem) {
        Pattern kinds = Pattern.compile(Pattern.quote(stem) + "\\.(?:clone|overlay)-\\d+");
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (kinds.matcher(p.getFileName().toString()).matches()) {
                    out.add(p);
                }
            }
        } catch (IOException ignored) {
            // best effort
        }
        return out;
    }

    /** Deletes a directory tree without following links; returns the bytes of the files it held. */
    private static long deleteTree(Path root) {
        long[] bytes = {0};
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    bytes[0] += attrs.isRegularFile() ? attrs.size() : 0;
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
        return bytes[0];
    }

    /** A log line for what was removed, or null when nothing was. */
    public static String describe(Removed r) {
        if (r.paths().isEmpty()) {
            return null;
        }
        return String.format("Removed what interrupted builds of this output left behind (%d MiB): %s",
                r.bytes() / MIB, r.paths().stream().map(p -> p.getFileName().toString()).toList());
    }

    /** Deletes the part (if it was not moved into place) and its clone directories, then releases the claim. */
    @Override
    public void close() throws IOException {
        try {
            Files.deleteIfExists(part);
            for (Path c : directories(part.getParent(), part.getFileName().toString())) {
                deleteTree(c);
            }
        } finally {
            try {
                Files.deleteIfExists(lock);
            } finally {
                HELD.remove(lock.toAbsolutePath().normalize());
                try {
                    fileLock.release();
                } finally {
                    channel.close();
                }
            }
        }
    }
}
