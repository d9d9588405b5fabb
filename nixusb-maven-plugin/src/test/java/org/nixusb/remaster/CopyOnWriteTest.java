package org.nixusb.remaster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.nixusb.BadInputException;
import org.nixusb.checksum.Sha256File;
import org.nixusb.cli.RemasterMain;
import org.nixusb.output.SourceClone;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.RecordingLog;
import org.nixusb.testing.SourceIsos;

/**
 * On a copy-on-write file system (XFS with reflink, btrfs), loop-mounted for the test, the remaster's output
 * shares the source's blocks: the log says the source was cloned, {@code filefrag} marks the output's extents
 * shared, and the file system's used space grows by far less than the 256 MiB the source holds. The output is
 * byte for byte the one the copy path writes on ext4 (and, when the machine has a JDK 20 or newer, the one
 * that JDK writes with its own copy), its SHA-256 is right, and writing the output afterwards, even over the
 * shared blocks, leaves the source unchanged. Loop mounts need root: elsewhere the test skips with a warning
 * (never in CI).
 */
public class CopyOnWriteTest {
    private static final long BIG = 256L << 20;
    private static final long MIB = 1 << 20;

    @Test
    void xfsSharesTheSourcesBlocks() throws Exception {
        sharesOn("xfs", "mkfs.xfs", "-q", "-m", "reflink=1");
    }

    @Test
    void btrfsSharesTheSourcesBlocks() throws Exception {
        sharesOn("btrfs", "mkfs.btrfs", "-q");
    }

    @Test
    void xfsWithoutReflinkFallsBackToTheCopy() throws Exception {
        if (!"0".equals(HostTools.run("id", "-u").strip())) {
            HostTools.unavailable("the copy-on-write test loop-mounts an XFS file system, which needs root");
            return;
        }
        HostTools.require("mkfs.xfs", "mount", "umount");
        Path dir = HostTools.workDir("cow-xfs-no-reflink");
        Path mnt = mount(dir, "xfs", 1024, "mkfs.xfs", "-q", "-m", "reflink=0");
        try {
            Path tree = SourceIsos.nixosTree(dir, true);
            writeRandom(tree.resolve("nix-store.squashfs"), 64 * MIB);
            Path source = SourceIsos.genisoimage(mnt, tree, "src.iso");
            RecordingLog log = new RecordingLog();
            RemasterResult r = new Remaster(log).run(RemasterOptions.of(source, mnt.resolve("usb.iso")).withSha256(true));
            assertTrue(log.has("Copied the source") && !log.has("Cloned"), log.lines.toString());
            if (!SourceClone.javaShares()) {
                assertTrue(log.has("cp --reflink=always could not clone on xfs"), "the failed clone is named: "
                        + log.lines);
            }
            assertEquals(Sha256File.sha256(r.output()), r.sha256());
            try (var left = Files.list(mnt)) {
                List<String> names = left.map(f -> f.getFileName().toString()).sorted().toList();
                assertEquals(List.of("src.iso", "usb.iso"), names.stream()
                        .filter(n -> !n.equals("lost+found")).toList(), "no clone directory or partial file is left");
            }
        } finally {
            unmount(mnt);
        }
        HostTools.deleteTree(dir);
    }

    /**
     * A disk that really fills up while the image is written: XFS without reflink is not checked up front (a file
     * system that may share blocks is not), the clone fails, and the copy runs out of room half way. One clean error,
     * no file left, the source unchanged.
     */
    @Test
    void aDiskThatFillsUpDuringTheCopyLeavesNothing() throws Exception {
        if (!"0".equals(HostTools.run("id", "-u").strip())) {
            HostTools.unavailable("the full-disk test loop-mounts an XFS file system, which needs root");
            return;
        }
        HostTools.require("mkfs.xfs", "mount", "umount", "fallocate");
        Path dir = HostTools.workDir("cow-xfs-full");
        Path mnt = mount(dir, "xfs", 320, "mkfs.xfs", "-q", "-m", "reflink=0");
        try {
            Path tree = SourceIsos.nixosTree(dir, true);
            writeRandom(tree.resolve("nix-store.squashfs"), 64 * MIB);
            Path source = SourceIsos.genisoimage(dir, tree, "src.iso");
            String sourceSha = Sha256File.sha256(source);
            // leave 32 MiB free: less than the 64 MiB source
            long free = Files.getFileStore(mnt).getUsableSpace();
            HostTools.run("fallocate", "-l", String.valueOf(free - 32 * MIB), mnt.resolve("ballast").toString());
            RecordingLog log = new RecordingLog();
            BadInputException e = assertThrows(BadInputException.class, () -> new Remaster(log).run(
                    RemasterOptions.of(source, mnt.resolve("usb.iso")).withSha256(true)));
            assertTrue(e.getMessage().startsWith(mnt.resolve("usb.iso") + ": the output's file system (xfs at ")
                    && e.getMessage().contains("filled up while the image was written")
                    && e.getMessage().contains("the partial image was removed"), e.getMessage());
            try (var left = Files.list(mnt)) {
                assertEquals(List.of("ballast"), left.map(f -> f.getFileName().toString()).sorted().toList(),
                        "no partial image, lock or clone directory is left");
            }
            assertEquals(sourceSha, Sha256File.sha256(source), "the source is unchanged");
        } finally {
            unmount(mnt);
        }
        HostTools.deleteTree(dir);
    }

    private static void sharesOn(String fs, String... mkfs) throws Exception {
        if (!"0".equals(HostTools.run("id", "-u").strip())) {
            HostTools.unavailable("the copy-on-write test loop-mounts a " + fs + " file system, which needs root");
            return;
        }
        HostTools.require(mkfs[0], "mkfs.ext4", "mount", "umount", "filefrag");
        Path dir = HostTools.workDir("cow-" + fs);
        Path mnt = mount(dir, fs, 1536, mkfs);
        try {
            // the copy path's output goes to ext4, which shares nothing, whatever holds target/ on this machine
            Path ext4 = mount(dir, "ext4", 512, "mkfs.ext4", "-q", "-F");
            try {
                check(fs, dir, mnt, ext4);
            } finally {
                unmount(ext4);
            }
        } finally {
            unmount(mnt);
        }
        // a passed test leaves none of its 2 GiB of file system images (a failed one keeps them to look at)
        HostTools.deleteTree(dir);
    }

    /** A new file system of {@code mib} MiB in a sparse file under {@code dir}, loop-mounted; its mount point. */
    private static Path mount(Path dir, String fs, long mib, String... mkfs) throws Exception {
        Path image = dir.resolve(fs + ".img");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(mib * MIB);
        }
        List<String> cmd = new ArrayList<>(List.of(mkfs));
        cmd.add(image.toString());
        HostTools.run(cmd.toArray(new String[0]));
        Path mnt = Files.createDirectories(dir.resolve(fs + "-mnt"));
        HostTools.run("mount", "-o", "loop", image.toString(), mnt.toString());
        return mnt;
    }

    private static void unmount(Path mnt) throws Exception {
        HostTools.runAllowingFailure("umount", mnt.toString());
        if (Files.readString(Path.of("/proc/mounts")).contains(" " + mnt + " ")) {
            HostTools.runAllowingFailure("umount", "-l", mnt.toString());
        }
    }

    private static void check(String fs, Path dir, Path mnt, Path ext4) throws Exception {
        Path tree = SourceIsos.nixosTree(dir, true);
        writeRandom(tree.resolve("nix-store.squashfs"), BIG);
        SourceIsos.touchAll(tree);
        Path source = SourceIsos.genisoimage(mnt, tree, "src.iso");
        String sourceSha = Sha256File.sha256(source);
        FileStore store = Files.getFileStore(mnt);
        assertEquals(fs, store.type(), "the test's own mount");

        long usedBefore = used(store, mnt);
        RecordingLog log = new RecordingLog();
        Path out = mnt.resolve("usb.iso");
        RemasterOptions options = RemasterOptions.of(source, out).withTimestamp(Instant.parse("2024-01-01T00:00:00Z"))
                .withSha256(true);
        RemasterResult r = new Remaster(log).run(options);
        long grew = used(store, mnt) - usedBefore;
        assertTrue(log.has("Cloned the source"), "the log says how the copy was made: " + log.lines);
        assertEquals(Sha256File.sha256(out), r.sha256(), "the hash from the source and the changes");
        assertTrue(grew < 64 * MIB, fs + ": the output added " + grew / MIB + " MiB for a "
                + Files.size(source) / MIB + " MiB source");
        String frag = HostTools.run("filefrag", "-v", out.toString());
        assertTrue(frag.contains("shared"), "filefrag marks the output's extents shared:\n" + frag);
        assertEquals(SourceClone.javaShares(), !log.has("cp --reflink=always"), "this JDK's clone path: " + log.lines);

        // control: the measurement sees a copy that does not share (cp --reflink=never, on the same file system)
        long beforeCopy = used(store, mnt);
        Path plain = mnt.resolve("plain-copy.iso");
        HostTools.run("cp", "--reflink=never", source.toString(), plain.toString());
        long plainGrew = used(store, mnt) - beforeCopy;
        assertTrue(plainGrew > Files.size(source) * 9 / 10, "a plain copy must show as used space: " + plainGrew / MIB
                + " MiB for " + Files.size(source) / MIB + " MiB");
        Files.delete(plain);

        RecordingLog copyLog = new RecordingLog();
        Path copied = ext4.resolve("usb-copied.iso");
        new Remaster(copyLog).run(RemasterOptions.of(source, copied)
                .withTimestamp(Instant.parse("2024-01-01T00:00:00Z")).withSha256(true));
        assertTrue(copyLog.has("Copied the source") && !copyLog.has("Cloned"), "ext4 takes the copy path: "
                + copyLog.lines);
        assertEquals(Sha256File.sha256(copied), Sha256File.sha256(out), "cloned and copied outputs are the same bytes");

        String outSha = Sha256File.sha256(out);
        // writing the output, over the blocks it shares with the source, never changes the source
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.WRITE)) {
            SplittableRandom random = new SplittableRandom(5);
            for (int i = 0; i < 64; i++) {
                byte[] b = new byte[4096];
                random.nextBytes(b);
                ch.write(ByteBuffer.wrap(b), random.nextLong(Files.size(out) - b.length));
            }
            ch.force(true);
        }
        assertEquals(sourceSha, Sha256File.sha256(source), "the source is unchanged");
        assertNotEquals(outSha, Sha256File.sha256(out), "the writes reached the output (the control)");

        // the other clone path, under a JDK on its side of 20: cp --reflink on 17-19, copy_file_range on 20+
        Path otherJava = otherJava();
        if (otherJava == null) {
            HostTools.unavailable("the other clone path needs a JDK " + (SourceClone.javaShares() ? "17 to 19"
                    : "20 or newer") + " under /usr/lib/jvm");
        } else {
            Path other = mnt.resolve("usb-other-jdk.iso");
            long beforeOther = used(store, mnt);
            Process p = new ProcessBuilder(otherJava.toString(), "-cp", System.getProperty("java.class.path"),
                    RemasterMain.class.getName(), source.toString(), other.toString(), "--timestamp", "1704067200")
                    .redirectErrorStream(true).start();
            String said = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, said);
            long otherGrew = used(store, mnt) - beforeOther;
            assertTrue(said.contains("Cloned the source"), otherJava + " shares the blocks too:\n" + said);
            assertEquals(!SourceClone.javaShares(), !said.contains("cp --reflink=always"), otherJava
                    + " takes the other path:\n" + said);
            assertTrue(otherGrew < 64 * MIB, otherJava + ": " + otherGrew / MIB + " MiB");
            assertEquals(outSha, Sha256File.sha256(other), "the same bytes under " + otherJava);
            Files.delete(other);
            Files.deleteIfExists(mnt.resolve("usb-other-jdk.iso.sha256"));
        }
    }

    /** Used bytes of the store after pending writes are on it. */
    private static long used(FileStore store, Path mnt) throws Exception {
        HostTools.run("sync", "-f", mnt.toString());
        return store.getTotalSpace() - store.getUnallocatedSpace();
    }

    /** A JDK on the other side of 20 than the running one (17 to 19, or 20 and newer), or null. */
    private static Path otherJava() throws IOException {
        boolean wantNewer = Runtime.version().feature() < 20;
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return null;
        }
        try (var s = Files.list(jvms)) {
            for (Path j : s.sorted().toList()) {
                Path release = j.resolve("release");
                Path java = j.resolve("bin/java");
                if (Files.isRegularFile(release) && Files.isExecutable(java)) {
                    String v = Files.readString(release).replaceAll("(?s).*JAVA_VERSION=\"(\\d+).*", "$1");
                    if (v.matches("\\d+") && (Integer.parseInt(v) >= 20) == wantNewer && Integer.parseInt(v) >= 17) {
                        return java;
                    }
                }
            }
        }
        return null;
    }

    private static void writeRandom(Path file, long size) throws IOException {
        SplittableRandom random = new SplittableRandom(42);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long done = 0; done < size; done += chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk);
            }
        }
    }
}
