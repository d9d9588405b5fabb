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
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (ch.read(buf) >= 0) {
                buf.flip();
                d.update(buf);
                buf.clear();
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }

    /** Writes {@code <image>.sha256} ("HASH  NAME\n"), through a temporary file; returns its path. */
    public static Path write(Path image) throws IOException {
        String line = sha256(image) + "  " + image.getFileName() + "\n";
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
