package org.nixusb.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Boot media made by other projects' tools, as Debian ships them inside packages (iPXE's
 * {@code ipxe.iso}, GRUB's rescue image, memtest86+'s ISOs): the package is fetched with
 * {@code apt-get download} into the same cache the fixture script uses and unpacked with
 * {@code dpkg-deb -x}. Nothing binary is committed.
 */
public final class DebianMedia {
    private DebianMedia() {
    }

    /**
     * The file {@code path} of package {@code pkg}, at the version and SHA-256 {@code test-inputs.lock} pins,
     * downloaded (by the fixture's own {@code pinned-deb.sh}, which checks the hash) and unpacked on first use.
     */
    public static Path file(String pkg, String path) throws IOException, InterruptedException {
        HostTools.require("apt-get", "dpkg-deb", "sha256sum");
        String cacheDir = System.getenv("NIXUSB_CACHE");
        Path cache = cacheDir != null ? Path.of(cacheDir) : Path.of(System.getProperty("user.home"), ".cache", "nixusb");
        Path debs = Files.createDirectories(cache.resolve("debs"));
        Process p = new ProcessBuilder("bash", Path.of("src/test/fixture/pinned-deb.sh").toAbsolutePath().toString(),
                pkg, debs.toString()).redirectError(ProcessBuilder.Redirect.PIPE).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        String err = new String(p.getErrorStream().readAllBytes()).strip();
        if (p.waitFor() != 0 || out.isEmpty()) {
            throw new IOException("the pinned test input " + pkg + " is not to be had: " + err);
        }
        Path deb = Path.of(out);
        String name = deb.getFileName().toString().replaceAll("\\.deb$", "");
        Path unpacked = cache.resolve("media").resolve(name);
        Path file = unpacked.resolve(path.replaceAll("^/+", ""));
        if (Files.isRegularFile(file)) {
            return file;
        }
        Files.createDirectories(unpacked);
        HostTools.run("dpkg-deb", "-x", deb.toString(), unpacked.toString());
        if (!Files.isRegularFile(file)) {
            throw new IOException(pkg + " has no " + path);
        }
        return file;
    }
}
