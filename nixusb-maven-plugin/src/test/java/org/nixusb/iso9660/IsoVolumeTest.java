package org.nixusb.iso9660;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.SourceIsos;

/** Reads ISOs made by genisoimage and xorriso and compares every entry with the tree they were made from. */
class IsoVolumeTest {

    @ParameterizedTest
    @ValueSource(strings = {"genisoimage", "xorriso"})
    void readsRockRidgeNamesModesLinksTimesAndRelocatedDirectories(String tool) throws Exception {
        Path dir = HostTools.workDir("iso-volume-" + tool);
        Path tree = SourceIsos.nixosTree(dir, true);
        Path iso = tool.equals("xorriso") ? SourceIsos.xorriso(dir, tree, "src.iso")
                : SourceIsos.genisoimage(dir, tree, "src.iso");
        try (IsoVolume v = IsoVolume.open(iso)) {
            assertEquals("NIXOS_ISO", v.volumeId());
            assertTrue(v.rockRidge());
            assertTrue(v.hasJoliet());
            int checked = 0;
            try (var walk = Files.walk(tree)) {
                for (Path host : walk.toList()) {
                    if (host.equals(tree)) {
                        continue;
                    }
                    String path = "/" + tree.relativize(host).toString();
                    IsoEntry e = v.find(path);
                    assertNotNull(e, tool + ": missing " + path);
                    assertEquals(host.getFileName().toString(), e.name());
                    if (Files.isSymbolicLink(host)) {
                        assertEquals(Files.readSymbolicLink(host).toString(), e.symlinkTarget(), path);
                        checked++;
                        continue;
                    }
                    assertEquals(Files.isDirectory(host), e.isDirectory(), path);
                    if (path.equals("/boot/dummy-boot.img")) {
                        checked++; // the El Torito image: its boot info table differs by design
                        continue;
                    }
                    assertEquals(modeOf(host), e.mode() & 07777, path + " mode");
                    assertEquals(Files.getLastModifiedTime(host, LinkOption.NOFOLLOW_LINKS).toInstant(), e.mtime(),
                            path + " mtime");
                    if (!e.isDirectory()) {
                        assertEquals(Files.size(host), e.size(), path);
                        assertArrayEquals(Files.readAllBytes(host), read(v, e), path + " content");
                    }
                    checked++;
                }
            }
            assertTrue(checked >= 25, "checked " + checked);
            assertNotNull(v.find("/level1/level2/level3/level4/level5/level6/level7/level8/level9/level10/deep-file.txt"));
            assertEquals(v.walk().size(), checked + (v.find("/rr_moved") != null ? 1 : 0)
                    + (v.find("/boot/boot.cat") != null ? 1 : 0));
        }
    }

    static byte[] read(IsoVolume v, IsoEntry e) throws Exception {
        return v.read(e);
    }

    static int modeOf(Path p) throws Exception {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        int m = 0;
        for (PosixFilePermission x : perms) {
            m |= switch (x) {
                case OWNER_READ -> 0400;
                case OWNER_WRITE -> 0200;
                case OWNER_EXECUTE -> 0100;
                case GROUP_READ -> 040;
                case GROUP_WRITE -> 020;
                case GROUP_EXECUTE -> 010;
                case OTHERS_READ -> 04;
                case OTHERS_WRITE -> 02;
                case OTHERS_EXECUTE -> 01;
            };
        }
        return m;
    }
}
