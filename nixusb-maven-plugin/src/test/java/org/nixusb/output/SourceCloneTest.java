package org.nixusb.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.nixusb.remaster.CopyOnWriteTest;
import org.nixusb.testing.HostTools;

/**
 * Where nixusb tries to clone the source and with what: never on a file system known not to share blocks, never
 * with a platform tool when the JDK's own copy shares blocks (Linux, JDK 20+), and the arguments end options
 * before the paths, so that no file name is read as an option. (Real clones: {@code CopyOnWriteTest}.)
 */
class SourceCloneTest {
    private static final boolean LINUX = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");

    @Test
    void whichFileSystemsAreTried() {
        Path from = Path.of("-source.iso");
        Path to = Path.of("clone");
        for (String none : new String[] {"ext4", "ext3", "tmpfs", "vfat", ""}) {
            assertNull(SourceClone.cloneCommand(none, from, to), none);
        }
        for (String may : new String[] {"xfs", "btrfs", "zfs", "bcachefs", "nfs4", "overlay"}) {
            List<String> cmd = SourceClone.cloneCommand(may, from, to);
            if (LINUX && !SourceClone.javaShares()) {
                assertEquals(List.of("cp", "--reflink=always", "--", "-source.iso", "clone"), cmd, may);
            } else if (LINUX) {
                assertNull(cmd, "JDK " + Runtime.version().feature() + "'s own copy shares blocks on " + may);
            }
        }
        assertEquals(LINUX && Runtime.version().feature() >= 20, SourceClone.javaShares());
    }

    @Test
    void anExt4OrTmpfsOutputIsNeitherClonedNorTried() throws Exception {
        Path dir = HostTools.workDir("source-clone");
        Path src = Files.write(dir.resolve("src.bin"), new byte[] {1, 2, 3});
        Path tmp = Files.createFile(dir.resolve("out.part"));
        String type = SourceClone.storeType(dir);
        assertFalse(type.isEmpty(), "the store type of " + dir);
        if (!SourceClone.mayShare(dir)) {
            assertNull(SourceClone.tryClone(src, 3, tmp), "nothing is tried on " + type);
        } else {
            SourceClone.Outcome o = SourceClone.tryClone(src, 3, tmp);
            assertTrue(o == null || o.how().contains(type), String.valueOf(o));
        }
        try (var left = Files.list(dir)) {
            assertEquals(2, left.count(), "no clone directory is left behind");
        }
    }
}
