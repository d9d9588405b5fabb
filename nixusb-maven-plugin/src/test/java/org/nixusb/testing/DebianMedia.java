package org.nixusb.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Boot media made by other projects' tools, as Debian ships them inside packages (iPXE's
 * {@code ipxe.iso}, GRUB's rescue image, memtest86+'s ISOs): the package is fetched with
 * {@code apt-get download} into the same cache the fixture script uses and unpacked with
 * {@code dpkg-deb -x}. Nothing binary is committed.
 */
public final class DebianMedia {
    private DebianMedia() {
    }

    /** The file {@code path} of package {@code pkg}, downloaded and unpacked on first use. */
    public static Path file(String pkg, String path) throws IOException, InterruptedException {
        HostTools.require("apt-get", "dpkg-deb");
        String cacheDir = System.getenv("NIXUSB_CACHE");
        Path cache = cacheDir != null ? Path.of(cacheDir) : Path.of(System.getProperty("user.home"), ".cache", "nixusb");
        Path debs = Files.createDirectories(cache.resolve("debs"));
        Path unpacked = cache.resolve("media").resolve(pkg);
        Path file = unpacked.resolve(path.replaceAll("^/+", ""));
        if (Files.isRegularFile(file)) {
            return file;
        }
        Optional<Path> deb = find(debs, pkg);
        if (deb.isEmpty()) {
            if (!download(debs, pkg)) {
                HostTools.run("apt-get", "update", "-qq");
                HostTools.run(debs, "apt-get", "download", pkg);
            }
            deb = find(debs, pkg);
        }
        Files.createDirectories(unpacked);
        HostTools.run("dpkg-deb", "-x", deb.orElseThrow().toString(), unpacked.toString());
        if (!Files.isRegularFile(file)) {
            throw new IOException(pkg + " has no " + path);
        }
        return file;
    }

    private static boolean download(Path dir, String pkg) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("apt-get", "download", pkg).directory(dir.toFile()).redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }

    private static Optional<Path> find(Path dir, String pkg) throws IOException {
        try (var s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().startsWith(pkg + "_")
                    && f.getFileName().toString().endsWith(".deb")).findFirst();
        }
    }
}
