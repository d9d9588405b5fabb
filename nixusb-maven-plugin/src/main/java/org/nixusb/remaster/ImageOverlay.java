package org.nixusb.remaster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.nixusb.BadInputException;
import org.nixusb.BuildLog;
import org.nixusb.iso9660.ImageEdit;
import org.nixusb.iso9660.SystemUse;
import org.nixusb.output.FileContent;

/**
 * Adds a directory of the build (default {@code src/main/image}) to the image: every file, directory and
 * symbolic link lands at the same path under the image's root, with its mode; files that exist in the
 * image are replaced. Entries get the build's time stamp, so the image stays reproducible.
 */
public final class ImageOverlay {
    private ImageOverlay() {
    }

    public static void addTo(ImageEdit edit, Path dir, Instant mtime, BuildLog log) throws IOException,
            BadInputException {
        int files = 0;
        int dirs = 0;
        int links = 0;
        long bytes = 0;
        List<Path> all;
        try (Stream<Path> s = Files.walk(dir)) {
            all = s.sorted().toList();
        }
        for (Path p : all) {
            if (p.equals(dir)) {
                continue;
            }
            String path = "/" + dir.relativize(p).toString().replace('\\', '/');
            if (Files.isSymbolicLink(p)) {
                edit.addSymlink(path, Files.readSymbolicLink(p).toString().replace('\\', '/'), mtime);
                links++;
            } else if (Files.isDirectory(p)) {
                edit.addDirectory(path, SystemUse.S_IFDIR | mode(p, 0755), mtime);
                dirs++;
            } else if (Files.isRegularFile(p)) {
                edit.addFile(path, FileContent.of(p), SystemUse.S_IFREG | mode(p, 0644), mtime);
                files++;
                bytes += Files.size(p);
            } else {
                throw new BadInputException(p, "is neither a file, a directory nor a symbolic link",
                        "Remove it from the image directory");
            }
        }
        log.info(String.format("Overlay %s: %d files (%d KiB), %d directories, %d symbolic links", dir, files,
                bytes / 1024, dirs, links));
    }

    private static int mode(Path p, int fallback) throws IOException {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
            int m = 0;
            for (PosixFilePermission x : perms) {
                m |= 1 << (8 - x.ordinal());
            }
            return m;
        } catch (UnsupportedOperationException notPosix) {
            return fallback;
        }
    }
}
