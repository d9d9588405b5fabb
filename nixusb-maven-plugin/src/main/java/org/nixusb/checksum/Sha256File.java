package org.nixusb.checksum;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A {@code .sha256} file beside an image, in the format {@code sha256sum -c} reads. */
public final class Sha256File {
    private Sha256File() {
    }

    public static String sha256(Path file) throws IOException {
        MessageDigest d;
        try {
            d = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] chunk = new byte[1 << 20];
        ByteBuffer buf = ByteBuffer.wrap(chunk);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            int n;
            while ((n = ch.read(buf.clear())) >= 0) {
                d.update(chunk, 0, n);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }

    /**
     * The hash {@code <image>.sha256} records for {@code image}, when that file names the image and is not older
     * than it (a remaster writes it right after the image); else null.
     */
    public static String recorded(Path image) throws IOException {
        Path side = image.resolveSibling(image.getFileName() + ".sha256");
        if (!Files.isRegularFile(side)
                || Files.getLastModifiedTime(side).compareTo(Files.getLastModifiedTime(image)) < 0) {
            return null;
        }
        String[] f = Files.readString(side, StandardCharsets.UTF_8).strip().split("\\s+");
        boolean names = f.length == 2 && f[1].replaceFirst("^\\*", "").equals(image.getFileName().toString());
        return names && f[0].matches("[0-9a-f]{64}") ? f[0] : null;
    }

    /** Writes {@code <image>.sha256} ("HASH  NAME\n"), through a temporary file; returns its path. */
    public static Path write(Path image) throws IOException {
        return write(image, sha256(image));
    }

    /** The same, for a hash already known (in hex), such as the one a remaster computes while it copies. */
    public static Path write(Path image, String sha256) throws IOException {
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a SHA-256 in hex: " + sha256);
        }
        String line = sha256 + "  " + image.getFileName() + "\n";
        Path target = image.resolveSibling(image.getFileName() + ".sha256");
        Path tmp = Files.createTempFile(image.toAbsolutePath().getParent(), "." + target.getFileName(), ".part");
        try {
            Files.writeString(tmp, line, StandardCharsets.US_ASCII);
            try {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException notPosix) {
                // keep the default
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }
}
