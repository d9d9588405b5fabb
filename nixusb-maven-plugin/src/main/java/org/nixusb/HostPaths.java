package org.nixusb;

import java.nio.file.Path;

/**
 * The fixed places where a host installs things nixusb looks for (syslinux, GRUB, QEMU, OVMF), seen through an
 * optional root directory: the system property {@value #ROOT_PROPERTY}, which tests set to hide the host's files
 * (an empty root) or to lay out another platform's (a fake tree). Unset, the places are the host's own.
 */
public final class HostPaths {
    /** A directory the host's fixed places are looked up under instead of {@code /}; for tests. */
    public static final String ROOT_PROPERTY = "nixusb.test.hostRoot";

    private HostPaths() {
    }

    /** {@code absolute} under the root {@link #ROOT_PROPERTY} names, or as it is when none is set. */
    public static Path of(String absolute) {
        return under(System.getProperty(ROOT_PROPERTY), absolute);
    }

    /** {@code absolute} under {@code root} (null or empty: as it is). */
    public static Path under(String root, String absolute) {
        if (root == null || root.isEmpty()) {
            return Path.of(absolute);
        }
        return Path.of(root, absolute.replaceFirst("^/+", ""));
    }
}
