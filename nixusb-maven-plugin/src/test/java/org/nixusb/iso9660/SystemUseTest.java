package org.nixusb.iso9660;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.SourceIsos;

/**
 * The Rock Ridge entries of every record genisoimage and xorriso wrote, read by {@link SystemUse}, against the
 * tree on disk they were made from: NM names (long, mixed case), PX file types and permissions, SL targets,
 * TF modification times, and the CL/PL/RE entries of a directory tree deeper than eight levels.
 */
class SystemUseTest {
    @ParameterizedTest
    @ValueSource(strings = {"genisoimage", "xorriso"})
    void rockRidgeEntriesSayWhatTheTreeOnDiskSays(String tool) throws Exception {
        HostTools.require(tool);
        Path dir = HostTools.workDir("system-use-" + tool);
        Path tree = SourceIsos.nixosTree(dir, true);
        Path iso = tool.equals("xorriso") ? SourceIsos.xorriso(dir, tree, "src.iso")
                : SourceIsos.genisoimage(dir, tree, "src.iso");
        try (IsoVolume v = IsoVolume.open(iso)) {
            assertTrue(v.rockRidge());
            int checked = 0;
            for (IsoEntry e : v.walk()) {
                if (e.path().equals("/boot/boot.cat") || e.path().startsWith("/rr_moved")) {
                    continue; // the El Torito catalog and the relocation directory the writer made
                }
                Path onDisk = tree.resolve(e.path().substring(1));
                assertTrue(Files.exists(onDisk, LinkOption.NOFOLLOW_LINKS), e.path() + " is not in the tree");
                SystemUse su = e.systemUse();
                assertNotNull(su, e.path());
                assertEquals(onDisk.getFileName().toString(), su.name(), "NM of " + e.path());
                if (Files.isSymbolicLink(onDisk)) {
                    assertEquals(Files.readSymbolicLink(onDisk).toString(), su.symlink(), "SL of " + e.path());
                    assertEquals(SystemUse.S_IFLNK, su.mode() & SystemUse.S_IFMT);
                } else {
                    int type = Files.isDirectory(onDisk, LinkOption.NOFOLLOW_LINKS) ? SystemUse.S_IFDIR
                            : SystemUse.S_IFREG;
                    assertEquals(type, su.mode() & SystemUse.S_IFMT, "PX type of " + e.path());
                    assertEquals(permissions(Files.getPosixFilePermissions(onDisk, LinkOption.NOFOLLOW_LINKS)),
                            su.mode() & 0777, "PX permissions of " + e.path());
                    if (!e.path().equals("/boot/dummy-boot.img")) { // the writer patched its boot info table on disk
                        assertEquals(Files.getLastModifiedTime(onDisk).toInstant(), su.mtime(), "TF of " + e.path());
                    }
                }
                checked++;
            }
            assertTrue(checked > 20, "checked " + checked);
            // the deep tree: somewhere a directory was relocated (RE) and is linked back (CL/PL)
            boolean relocated = v.directories().stream().flatMap(d -> d.systemUse().stream())
                    .anyMatch(su -> su.childLink() >= 0 || su.relocated());
            assertTrue(relocated || tool.equals("xorriso"), "genisoimage relocates the ninth level");
        }
    }

    private static int permissions(Set<PosixFilePermission> perms) {
        int m = 0;
        for (PosixFilePermission p : List.of(PosixFilePermission.values())) {
            if (perms.contains(p)) {
                m |= 1 << (8 - p.ordinal());
            }
        }
        return m;
    }
}
