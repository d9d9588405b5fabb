package org.nixusb.remaster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.nixusb.testing.CheckedRemaster;
import org.nixusb.iso9660.IsoEntry;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.SourceIsos;

/** An overlay directory adds and replaces files anywhere in the tree, with modes and symlinks; a template config. */
class ImageOverlayTest {
    @Test
    void addsAndReplacesFilesWithModesAndSymlinksAndUsesTheTemplate() throws Exception {
        Path dir = HostTools.workDir("overlay");
        Path tree = SourceIsos.nixosTree(dir, true);
        Path source = SourceIsos.genisoimage(dir, tree, "src.iso");
        Path overlay = dir.resolve("image");
        Files.createDirectories(overlay.resolve("etc/nixusb"));
        Files.createDirectories(overlay.resolve("empty-dir"));
        Files.writeString(overlay.resolve("etc/nixusb/motd"), "hello from the overlay\n");
        Files.setPosixFilePermissions(overlay.resolve("etc/nixusb/motd"), PosixFilePermissions.fromString("rw-r-----"));
        Files.setPosixFilePermissions(overlay.resolve("etc/nixusb"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.writeString(overlay.resolve("secret-token"), "replaced\n");
        Files.setPosixFilePermissions(overlay.resolve("secret-token"), PosixFilePermissions.fromString("rwx------"));
        Files.createDirectories(overlay.resolve("nix/store"));
        Files.writeString(overlay.resolve("nix/store/added-deep.txt"), "deep\n");
        Files.createSymbolicLink(overlay.resolve("motd-link"), Path.of("etc/nixusb/motd"));
        Files.createSymbolicLink(overlay.resolve("abs-link"), Path.of("/etc/nixusb/../nixusb/./motd"));
        Path template = dir.resolve("syslinux.cfg");
        Files.writeString(template, "# my template\n@NIXUSB_SERIAL@\nUI menu.c32\nMENU TITLE My @NIXUSB_VOLUME_ID@\n"
                + "TIMEOUT @NIXUSB_TIMEOUT@\nDEFAULT @NIXUSB_DEFAULT@\n@NIXUSB_ENTRIES@\n");

        Path out = dir.resolve("usb.iso");
        RemasterResult r = CheckedRemaster.run(RemasterOptions.of(source, out)
                .withTimestamp(Instant.parse("2024-01-01T00:00:00Z")).withSerial(true)
                .withImageDirectory(overlay).withSyslinuxTemplate(template));
        assertTrue(r.config().startsWith("# my template\nSERIAL 0 115200\nUI menu.c32\nMENU TITLE My NIXOS_ISO\n"
                + "TIMEOUT 50\nDEFAULT nixos-livecd\nLABEL nixos-debug\n"), r.config());

        try (IsoVolume o = IsoVolume.open(out); IsoVolume src = IsoVolume.open(source)) {
            IsoEntry motd = o.find("/etc/nixusb/motd");
            assertEquals("hello from the overlay\n", new String(o.read(motd), StandardCharsets.UTF_8));
            assertEquals(0100640, motd.mode());
            assertEquals(040750, o.find("/etc/nixusb").mode());
            assertEquals(040755, o.find("/empty-dir").mode());
            IsoEntry secret = o.find("/secret-token");
            assertEquals("replaced\n", new String(o.read(secret), StandardCharsets.UTF_8));
            assertEquals(0100700, secret.mode());
            assertEquals(Instant.parse("2024-01-01T00:00:00Z"), secret.mtime(), "the replaced file's TF time");
            assertEquals(Instant.parse("2024-01-01T00:00:00Z"), secret.records().get(0).recordingDate());
            assertEquals(src.find("/secret-token").mtime(), SourceIsos.MTIME, "the source's time was another");
            assertEquals("deep\n", new String(o.read(o.find("/nix/store/added-deep.txt")), StandardCharsets.UTF_8));
            assertEquals("etc/nixusb/motd", o.find("/motd-link").symlinkTarget());
            assertEquals("/etc/nixusb/../nixusb/./motd", o.find("/abs-link").symlinkTarget());
            // everything else of the source is still there, unchanged
            for (IsoEntry s : src.walk()) {
                IsoEntry e = o.find(s.path());
                assertTrue(e != null, s.path());
                if (!s.isDirectory() && !s.path().equals("/secret-token")) {
                    assertEquals(s.extents(), e.extents(), s.path());
                }
            }
        }
        // xorriso sees the same: contents, modes and link targets
        Path x = dir.resolve("extracted");
        HostTools.run("xorriso", "-osirrox", "on", "-indev", out.toString(), "-extract", "/", x.toString());
        assertEquals("hello from the overlay\n", Files.readString(x.resolve("etc/nixusb/motd")));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                x.resolve("etc/nixusb/motd"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(x.resolve("secret-token"))));
        assertEquals(Instant.parse("2024-01-01T00:00:00Z"), Files.getLastModifiedTime(x.resolve("secret-token"))
                .toInstant(), "xorriso reads the replaced file's new time");
        assertEquals(Path.of("etc/nixusb/motd"), Files.readSymbolicLink(x.resolve("motd-link")));
        assertEquals("hello from the overlay\n", Files.readString(x.resolve("motd-link")));
    }
}
