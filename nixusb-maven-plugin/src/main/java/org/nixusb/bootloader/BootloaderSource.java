package org.nixusb.bootloader;

import java.nio.file.Path;

import org.nixusb.BadInputException;

/**
 * Where the boot loader files nixusb copies into an image come from.
 *
 * @param kind which source
 * @param jar the bundle jar, for {@link Kind#JAR}
 */
public record BootloaderSource(Kind kind, Path jar) {
    /** The closed set of sources. */
    public enum Kind {
        /** the pinned files of nixusb-bootloaders on the classpath: the same bytes on every host (default) */
        BUNDLED,
        /** another release of nixusb-bootloaders (or a jar laid out like it) */
        JAR,
        /** the host's syslinux and GRUB packages */
        HOST
    }

    public static final BootloaderSource BUNDLED = new BootloaderSource(Kind.BUNDLED, null);
    public static final BootloaderSource HOST = new BootloaderSource(Kind.HOST, null);

    public static BootloaderSource jar(Path jar) {
        return new BootloaderSource(Kind.JAR, jar);
    }

    /** Whether {@code value} names a bundle by Maven coordinates ({@code groupId:artifactId:version}), not a path. */
    public static boolean isCoordinates(String value) {
        String v = value == null ? "" : value.strip();
        String[] p = v.split(":", -1);
        return p.length == 3 && !v.contains("/") && !v.contains("\\")
                && java.util.Arrays.stream(p).noneMatch(String::isBlank);
    }

    /**
     * The source as users write it: {@code bundled} (or nothing), {@code host}, or the path of a bundle jar.
     *
     * @throws BadInputException for a path that is not a file
     */
    public static BootloaderSource parse(String value) throws BadInputException {
        if (value == null || value.isBlank() || value.strip().equalsIgnoreCase("bundled")) {
            return BUNDLED;
        }
        if (value.strip().equalsIgnoreCase("host")) {
            return HOST;
        }
        Path p = Path.of(value.strip());
        if (!java.nio.file.Files.isRegularFile(p)) {
            throw new BadInputException(p, "is not a boot loader bundle (a jar file), nor 'bundled' or 'host'",
                    "Set the bootloaders option to bundled (the default), host, or a nixusb-bootloaders jar")
                    .option("bootloaders");
        }
        return jar(p);
    }
}
