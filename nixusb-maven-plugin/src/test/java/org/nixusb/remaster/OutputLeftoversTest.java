package org.nixusb.remaster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.nixusb.BadInputException;
import org.nixusb.output.DiskRoom;
import org.nixusb.output.PartFile;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.RecordingLog;
import org.nixusb.testing.SourceIsos;

/**
 * What interrupted builds leave beside the output, and a file system too small for it. A build removes the parts
 * (with their lock files and clone directories) of dead builds of the same output, never one whose lock another
 * process holds (a build at work, here a python process holding the lock as the JVM would) or one this JVM holds,
 * and never another output's. A file system without room for the copy is refused before anything is written.
 */
class OutputLeftoversTest {
    private static final long MIB = 1 << 20;

    private static List<String> names(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("lost+found")).sorted().toList();
        }
    }

    private static void sparse(Path p, long size) throws Exception {
        try (var f = new java.io.RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(size);
        }
    }

    @Test
    void deadBuildsLeftoversGoLiveBuildsAndOtherOutputsStay() throws Exception {
        HostTools.require("genisoimage", "python3");
        Path dir = HostTools.workDir("output-leftovers");
        Path source = SourceIsos.genisoimage(dir, SourceIsos.nixosTree(dir, true), "src.iso");
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        // a part from before lock files; a dead build's part, lock and clone directory
        sparse(out.resolve(".usb.iso.111.part"), 64 * MIB);
        sparse(out.resolve(".usb.iso.222.part"), 32 * MIB);
        Files.writeString(out.resolve(".usb.iso.222.part.lock"), "");
        Files.createDirectories(out.resolve(".usb.iso.222.part.clone-333"));
        sparse(out.resolve(".usb.iso.222.part.clone-333/clone"), 16 * MIB);
        Files.createDirectories(out.resolve(".usb.iso.222.part.overlay-334"));
        // a live build in another process
        Path liveLock = out.resolve(".usb.iso.444.part.lock");
        Files.writeString(liveLock, "");
        sparse(out.resolve(".usb.iso.444.part"), 8 * MIB);
        // other outputs' work files
        sparse(out.resolve(".usb.iso.foo.555.part"), MIB);
        sparse(out.resolve(".other.iso.666.part"), MIB);
        Files.writeString(out.resolve("notes.txt"), "mine\n");

        Process holder = new ProcessBuilder("python3", "-c", "import fcntl, sys, time\n"
                + "f = open(sys.argv[1], 'r+')\nfcntl.lockf(f, fcntl.LOCK_EX)\nprint('locked', flush=True)\n"
                + "time.sleep(120)\n", liveLock.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(holder.getInputStream()));
            assertEquals("locked", r.readLine());
            // a build of this JVM holds its own claim throughout
            try (PartFile mine = PartFile.claim(out.resolve("usb.iso"))) {
                RecordingLog log = new RecordingLog();
                new Remaster(log).run(RemasterOptions.of(source, out.resolve("usb.iso")).withSha256(true));
                assertTrue(log.has("Removed what interrupted builds of this output left behind (112 MiB)"),
                        log.lines.toString());
                String minePart = mine.path().getFileName().toString();
                assertEquals(List.of(".other.iso.666.part", ".usb.iso.444.part", ".usb.iso.444.part.lock",
                        ".usb.iso.foo.555.part", minePart, minePart + ".lock", "notes.txt", "usb.iso")
                        .stream().sorted().toList(), names(out));
                // the other's lock is still its own: a second clean-up leaves it too
                assertTrue(PartFile.removeLeftovers(out.resolve("usb.iso")).paths().isEmpty());
            }
        } finally {
            holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        // its owner gone (killed: the kernel released the lock), the next build removes it
        RecordingLog log = new RecordingLog();
        new Remaster(log).run(RemasterOptions.of(source, out.resolve("usb.iso")).withSha256(true));
        assertTrue(log.has("(8 MiB)"), log.lines.toString());
        assertEquals(List.of(".other.iso.666.part", ".usb.iso.foo.555.part", "notes.txt", "usb.iso"), names(out));
    }

    @Test
    void aFileSystemWithoutRoomIsRefusedBeforeWriting() throws Exception {
        if (!"0".equals(HostTools.run("id", "-u").strip())) {
            HostTools.unavailable("the full-disk test mounts a small tmpfs, which needs root");
            return;
        }
        HostTools.require("genisoimage", "mount", "umount");
        Path dir = HostTools.workDir("output-no-room");
        Path tree = SourceIsos.nixosTree(dir, true);
        byte[] big = new byte[(int) (24 * MIB)];
        new Random(7).nextBytes(big);
        Files.write(tree.resolve("nix-store.squashfs"), big);
        Path source = SourceIsos.genisoimage(dir, tree, "src.iso");
        long sourceSize = Files.size(source);
        Path mnt = dir.resolve("small");
        Files.createDirectories(mnt);
        HostTools.run("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mnt.toString());
        try {
            BadInputException e = assertThrows(BadInputException.class, () -> new Remaster(new RecordingLog()).run(
                    RemasterOptions.of(source, mnt.resolve("usb.iso")).withSha256(true)));
            String m = e.getMessage();
            assertTrue(m.startsWith(mnt.resolve("usb.iso") + ": not enough room on the output's file system (tmpfs at "),
                    m);
            assertTrue(m.contains((sourceSize + DiskRoom.SLACK) + " bytes needed") && m.contains("bytes free")
                    && m.contains("src.iso") && m.contains("copy-on-write file system"), m);
            assertEquals(List.of("output"), e.options());
            assertEquals(List.of(), names(mnt), "nothing is written");

            // a file system with room: the same build succeeds there (the check is not the test's only outcome)
            HostTools.run("mount", "-o", "remount,size=96m", mnt.toString());
            new Remaster(new RecordingLog()).run(RemasterOptions.of(source, mnt.resolve("usb.iso")).withSha256(true));
            assertEquals(List.of("usb.iso"), names(mnt));
        } finally {
            HostTools.runAllowingFailure("umount", mnt.toString());
        }
    }

    /**
     * Room for the copy but not for what the remaster appends (a 24 MiB overlay file): refused when the changes are
     * about to be written, naming those bytes; the temporary file is gone. With room, the same build succeeds.
     */
    @Test
    void roomForTheCopyButNotForTheAppendedBytesIsRefused() throws Exception {
        if (!"0".equals(HostTools.run("id", "-u").strip())) {
            HostTools.unavailable("the full-disk test mounts a small tmpfs, which needs root");
            return;
        }
        HostTools.require("genisoimage", "mount", "umount");
        Path dir = HostTools.workDir("output-no-room-for-changes");
        Path tree = SourceIsos.nixosTree(dir, true);
        Random random = new Random(11);
        byte[] big = new byte[(int) (24 * MIB)];
        random.nextBytes(big);
        Files.write(tree.resolve("nix-store.squashfs"), big);
        Path source = SourceIsos.genisoimage(dir, tree, "src.iso");
        Path overlay = Files.createDirectories(dir.resolve("overlay"));
        random.nextBytes(big);
        Files.write(overlay.resolve("extra.bin"), big);
        Path mnt = Files.createDirectories(dir.resolve("small"));
        long sizeMib = (Files.size(source) + DiskRoom.SLACK) / MIB + 6; // the copy fits, the 24 MiB added do not
        HostTools.run("mount", "-t", "tmpfs", "-o", "size=" + sizeMib + "m", "tmpfs", mnt.toString());
        try {
            BadInputException e = assertThrows(BadInputException.class, () -> new Remaster(new RecordingLog()).run(
                    RemasterOptions.of(source, mnt.resolve("usb.iso")).withImageDirectory(overlay)));
            String m = e.getMessage();
            assertTrue(m.startsWith(mnt.resolve("usb.iso") + ": not enough room on the output's file system (tmpfs at ")
                    && m.matches("(?s).*for the \\d+ bytes the remaster appends: \\d+ bytes needed.*"), m);
            assertEquals(List.of(), names(mnt), "nothing is left: the copy made so far is removed");

            HostTools.run("mount", "-o", "remount,size=" + (sizeMib + 40) + "m", mnt.toString());
            new Remaster(new RecordingLog()).run(RemasterOptions.of(source, mnt.resolve("usb.iso"))
                    .withImageDirectory(overlay));
            assertEquals(List.of("usb.iso"), names(mnt));
        } finally {
            HostTools.runAllowingFailure("umount", mnt.toString());
        }
    }

    @Test
    void aDiskThatFillsUpWhileWritingIsSaidPlainly() {
        java.io.IOException enospc = new java.io.IOException("No space left on device");
        assertTrue(DiskRoom.isNoSpace(new java.io.UncheckedIOException(enospc)));
        assertFalse(DiskRoom.isNoSpace(new java.io.IOException("Input/output error")));
        BadInputException e = DiskRoom.filledUp(Path.of("/tmp/x/usb.iso"), enospc);
        assertTrue(e.getMessage().startsWith("/tmp/x/usb.iso: the output's file system (") && e.getMessage().contains(
                "filled up while the image was written (No space left on device") && e.getMessage().contains(
                "the partial image was removed"), e.getMessage());
    }
}
