package org.nixusb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Which kind of host this is, for naming the package that provides a missing tool: a Linux distribution
 * family (from {@code /etc/os-release}, read under {@link HostPaths}), macOS or Windows.
 */
public enum HostPlatform {
    DEBIAN("Debian/Ubuntu"),
    FEDORA("Fedora/RHEL"),
    ARCH("Arch"),
    OPENSUSE("openSUSE"),
    NIXOS("NixOS/Nix"),
    MACOS("macOS"),
    WINDOWS("Windows"),
    OTHER("this system");

    private final String label;

    HostPlatform(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The running host. */
    public static HostPlatform current() {
        return detect(System.getProperty("os.name", ""), System.getProperty(HostPaths.ROOT_PROPERTY));
    }

    /** The platform of an {@code os.name} and, on Linux, the os-release file under {@code root}. */
    public static HostPlatform detect(String osName, String root) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.contains("mac") || os.contains("darwin")) {
            return MACOS;
        }
        if (os.contains("windows")) {
            return WINDOWS;
        }
        String release = "";
        for (String f : new String[] {"/etc/os-release", "/usr/lib/os-release"}) {
            Path p = HostPaths.under(root, f);
            try {
                if (Files.isRegularFile(p)) {
                    release = Files.readString(p).toLowerCase(Locale.ROOT);
                    break;
                }
            } catch (IOException | RuntimeException unreadable) {
                // try the next one
            }
        }
        String ids = "";
        for (String line : release.split("\\R")) {
            if (line.startsWith("id=") || line.startsWith("id_like=")) {
                ids += " " + line.substring(line.indexOf('=') + 1).replace("\"", "");
            }
        }
        if (ids.contains("nixos")) {
            return NIXOS;
        }
        if (ids.contains("debian") || ids.contains("ubuntu")) {
            return DEBIAN;
        }
        if (ids.contains("fedora") || ids.contains("rhel") || ids.contains("centos")) {
            return FEDORA;
        }
        if (ids.contains("arch")) {
            return ARCH;
        }
        if (ids.contains("suse")) {
            return OPENSUSE;
        }
        return OTHER;
    }
}
