package org.nixusb.output;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Makes the output's starting copy share the source's blocks on a copy-on-write file system (XFS, btrfs,
 * OpenZFS 2.2+, bcachefs, APFS, ...), so that the unchanged gigabytes are never written: only the sectors the
 * remaster changes and the files it appends are. Sharing is copy-on-write: writing the output later never
 * changes the source.
 * <p>
 * How, by platform and JDK (measured on XFS, a 1 GiB file: JDK 17's {@code transferTo} and {@code Files.copy}
 * copy every byte through {@code sendfile}; JDK 25's share the blocks through {@code copy_file_range} and
 * {@code FICLONE}, in a few milliseconds):
 * <ul>
 * <li>Linux, JDK 20 and later: the ordinary kernel-side copy ({@link Transfer}) already shares blocks where the
 * file system can; {@link #javaShares} says so, and nothing else is run.</li>
 * <li>Linux, JDK 17 to 19: Java has no call that clones, so the platform's {@code cp --reflink=always} clones
 * the source into a private directory; it fails at once (nothing written) where the file system cannot.</li>
 * <li>macOS: {@code cp -c} (clonefile) on APFS.</li>
 * </ul>
 * A clone is only ever tried where it may work, never needed for correctness (when it fails, the copy is
 * made as before), bounded in time, and writes nowhere but a new file in a directory only this user can
 * enter: no symbolic link is followed on the way to the output.
 */
public final class SourceClone {
    /** File systems that are known not to share blocks between files: no clone is tried there. */
    private static final Set<String> NO_SHARING = Set.of("ext2", "ext3", "ext4", "tmpfs", "ramfs", "vfat", "msdos",
            "exfat", "ntfs", "ntfs3", "fuseblk", "iso9660", "squashfs", "hfs", "hfsplus", "devtmpfs");
    /** File systems on which {@code cp -c} (clonefile) works. */
    private static final Set<String> MAC_SHARING = Set.of("apfs");
    private static final long TIMEOUT_SECONDS = 60;
    private static final String OS = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);

    /** How the output's copy was made. */
    record Outcome(boolean cloned, String how) {
    }

    private SourceClone() {
    }

    /** The file system type of the store that holds {@code dir}, or "" when it cannot be told. */
    static String storeType(Path dir) {
        try {
            FileStore s = Files.getFileStore(dir);
            return s.type() == null ? "" : s.type().toLowerCase(Locale.ROOT);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** Whether the file system holding {@code dir} may share blocks between files (not one known not to). */
    static boolean mayShare(Path dir) {
        String type = storeType(dir);
        return !type.isEmpty() && !NO_SHARING.contains(type);
    }

    /** Whether the running JDK's kernel-side copy shares blocks by itself where it can (Linux, JDK 20+). */
    public static boolean javaShares() {
        return OS.contains("linux") && Runtime.version().feature() >= 20;
    }

    /** The platform's copy tool and the option that makes it clone or fail, or null where none is to be used. */
    private static List<String> cloneTool(String storeType) {
        if (OS.contains("linux") && !javaShares() && !NO_SHARING.contains(storeType) && !storeType.isEmpty()) {
            return List.of("cp", "--reflink=always");
        }
        if (OS.contains("mac") && MAC_SHARING.contains(storeType)) {
            return List.of("cp", "-c");
        }
        return null;
    }

    /** The whole clone command (options end before the paths), or null where none is to be used. */
    static List<String> cloneCommand(String storeType, Path from, Path to) {
        List<String> tool = cloneTool(storeType);
        if (tool == null) {
            return null;
        }
        List<String> cmd = new java.util.ArrayList<>(tool);
        cmd.addAll(List.of("--", from.toString(), to.toString()));
        return cmd;
    }

    /**
     * Tries to make {@code target} (an existing, empty temporary file) a clone of {@code source}.
     *
     * @return the outcome, or null when no clone was tried (the caller copies)
     */
    static Outcome tryClone(Path source, long size, Path target) {
        Path dir = target.toAbsolutePath().getParent();
        String type = storeType(dir);
        List<String> tool = cloneTool(type);
        if (tool == null) {
            return null;
        }
        String name = String.join(" ", tool);
        Path privateDir = null;
        try {
            // named after the part it fills, so that a build killed while cloning leaves nothing another cannot attribute
            privateDir = Files.createTempDirectory(dir, target.getFileName() + ".clone-");
            try {
                Files.setPosixFilePermissions(privateDir, PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException notPosix) {
                return null;
            }
            Path clone = privateDir.resolve("clone");
            Process p = new ProcessBuilder(cloneCommand(type, source, clone)).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            p.getOutputStream().close();
            boolean exited = p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            String said = exited ? new String(p.getInputStream().readAllBytes()).strip() : "";
            if (!exited) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                return new Outcome(false, name + " did not finish in "
                        + TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0 || !Files.isRegularFile(clone, LinkOption.NOFOLLOW_LINKS)
                    || Files.size(clone) != size) {
                return new Outcome(false, name + " could not clone on " + type
                        + (said.isEmpty() ? "" : " (" + said.lines().findFirst().orElse("") + ")"));
            }
            Files.setPosixFilePermissions(clone, PosixFilePermissions.fromString("rw-------"));
            // rename within one directory tree of one file system: no data is written; the temporary file it
            // replaces is new and empty
            Files.move(clone, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new Outcome(true, name + " on " + type);
        } catch (IOException | RuntimeException e) {
            return new Outcome(false, "cloning failed (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, "interrupted");
        } finally {
            if (privateDir != null) {
                try (var left = Files.list(privateDir)) {
                    for (Path f : left.toList()) {
                        Files.deleteIfExists(f);
                    }
                    Files.deleteIfExists(privateDir);
                } catch (IOException ignored) {
                    // a leftover empty directory at worst
                }
            }
        }
    }
}
