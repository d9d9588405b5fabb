package org.nixusb.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * What an independent reader (xorriso) shows of an image in each of its views: Rock Ridge (or Joliet
 * when there is none), Joliet (or plain ISO 9660 names) and plain ISO 9660 names. Each view is
 * extracted whole and described path by path (type, permissions, size, mtime (directories' too), link target,
 * content hash), so two images can be compared entry by entry.
 */
public final class IsoViews {
    /** xorriso's {@code -read_fs} values: the tree a reader loads. */
    public static final List<String> VIEWS = List.of("any", "norock", "ecma119");

    private IsoViews() {
    }

    /** What one view shows: every path with its description, and what xorriso said while loading. */
    public record View(Map<String, String> entries, String log, int exit) {
        /** Whether the reader resolved a name collision (two entries showing under one name). */
        public boolean collisions() {
            return log.contains("collision");
        }
    }

    /**
     * Extracts {@code iso} in {@code view} into {@code dir} (which must not exist) and describes it.
     * It reads a copy whose El Torito boot record is turned into a descriptor readers skip: libisofs
     * shows a file that shares its first block with a boot image with the catalog's load size, which
     * would make an empty file next to a boot image differ between a source and its remaster.
     */
    public static View read(Path iso, String view, Path dir) throws IOException, InterruptedException {
        Path copy = dir.resolveSibling(dir.getFileName() + ".iso");
        Files.copy(iso, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(copy,
                java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
            for (long lba = 16; lba < 16 + 64; lba++) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(6);
                if (ch.read(b, lba * 2048) < 6 || !"CD001".equals(new String(b.array(), 1, 5,
                        StandardCharsets.US_ASCII)) || b.get(0) == (byte) 255) {
                    break;
                }
                if (b.get(0) == 0) {
                    ch.write(java.nio.ByteBuffer.wrap(new byte[] {3}), lba * 2048);
                }
            }
        }
        try {
            return extract(copy, view, dir);
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    private static View extract(Path iso, String view, Path dir) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("xorriso", "-abort_on", "NEVER", "-return_with", "FAILURE", "32",
                "-osirrox", "on", "-read_fs", view, "-indev", iso.toString(), "-extract", "/", dir.toString())
                .redirectErrorStream(true);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("xorriso timed out extracting " + iso);
        }
        String log = new String(out, StandardCharsets.UTF_8);
        Map<String, String> entries = new TreeMap<>();
        if (Files.isDirectory(dir)) {
            try (var s = Files.walk(dir)) {
                for (Path f : s.toList()) {
                    if (!f.equals(dir)) {
                        entries.put("/" + dir.relativize(f).toString().replace('\\', '/'), describe(f));
                    }
                }
            }
            try (var s = Files.walk(dir)) {
                for (Path f : s.toList()) {
                    if (Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)) {
                        f.toFile().setWritable(true);
                    }
                }
            }
        }
        return new View(entries, log, p.exitValue());
    }

    private static String describe(Path f) throws IOException {
        PosixFileAttributes a = Files.readAttributes(f, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String perms = Integer.toOctalString(modeOf(a));
        long mtime = a.lastModifiedTime().toMillis() / 1000;
        if (a.isSymbolicLink()) {
            return "link " + perms + " -> " + Files.readSymbolicLink(f);
        }
        if (a.isDirectory()) {
            // a directory's record is what a remaster rewrites: its time must stay too
            return "dir " + perms + ", mtime " + mtime;
        }
        return "file " + perms + " " + a.size() + " bytes, mtime " + mtime + ", sha256 " + org.nixusb.checksum.Sha256File.sha256(f);
    }

    private static int modeOf(PosixFileAttributes a) {
        int m = 0;
        for (var p : a.permissions()) {
            m |= 1 << (8 - p.ordinal());
        }
        return m;
    }

    /**
     * Every difference that loses something of {@code before} in {@code after}: a path that is gone or
     * shows as something else. Paths only {@code after} has (what the remaster added) are fine.
     */
    public static List<String> lost(View before, View after, boolean ignoreDirectoryMode) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : before.entries().entrySet()) {
            String now = after.entries().get(e.getKey());
            String was = e.getValue();
            if (now == null) {
                out.add(e.getKey() + " is gone (was " + was + ")");
            } else if (!now.equals(was) && !(ignoreDirectoryMode && was.startsWith("dir ") && now.startsWith("dir ")
                    && was.replaceFirst("^dir \\d+", "").equals(now.replaceFirst("^dir \\d+", "")))) {
                out.add(e.getKey() + ": " + was + " became " + now);
            }
        }
        return out;
    }
}
