package org.nixusb.qemu;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.nixusb.BadInputException;
import org.nixusb.HostPaths;
import org.nixusb.HostPlatform;

/**
 * Finds {@code qemu-system-x86_64}: a configured path, else the name on {@code PATH}, else the places platforms
 * install it without putting it on a build's {@code PATH} (Homebrew's prefixes, NixOS's system profile, a Nix
 * profile, RHEL's {@code /usr/libexec/qemu-kvm}, QEMU's Windows installer).
 */
final class QemuLocations {
    private QemuLocations() {
    }

    /** The directories searched after PATH, under the host root. */
    static List<String> fixedPlaces(String home) {
        List<String> l = new ArrayList<>(List.of("/opt/homebrew/bin", "/usr/local/bin", "/run/current-system/sw/bin",
                "/usr/bin", "C:/Program Files/qemu"));
        if (home != null) {
            l.add(home + "/.nix-profile/bin");
        }
        return l;
    }

    /**
     * @param qemu the configured binary: a path (with a separator) or a name
     * @param pathVariable the value of PATH (may be null)
     * @param root the host root ({@link HostPaths}) the fixed places are looked up under
     */
    static Path find(String qemu, String pathVariable, String root, HostPlatform platform) throws BadInputException {
        if (qemu.contains("/") || qemu.contains(File.separator)) {
            Path p = Path.of(qemu);
            if (Files.isExecutable(p)) {
                return p;
            }
            throw notFound(qemu, "at that path", platform);
        }
        Set<Path> dirs = new LinkedHashSet<>();
        if (pathVariable != null) {
            for (String dir : pathVariable.split(File.pathSeparator)) {
                dirs.add(Path.of(dir.isEmpty() ? "." : dir));
            }
        }
        for (String d : fixedPlaces(System.getProperty("user.home"))) {
            dirs.add(HostPaths.under(root, d));
        }
        List<String> names = new ArrayList<>(List.of(qemu));
        if (platform == HostPlatform.WINDOWS) {
            names.add(qemu + ".exe");
        }
        for (Path dir : dirs) {
            for (String n : names) {
                Path p = dir.resolve(n);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        if (qemu.equals("qemu-system-x86_64")) {
            Path kvm = HostPaths.under(root, "/usr/libexec/qemu-kvm"); // RHEL and its rebuilds
            if (Files.isRegularFile(kvm) && Files.isExecutable(kvm)) {
                return kvm;
            }
        }
        throw notFound(qemu, "on PATH and in " + fixedPlaces("~"), platform);
    }

    private static BadInputException notFound(String qemu, String where, HostPlatform platform) {
        return new BadInputException(qemu, "QEMU was not found (looked " + where + ")", "Install it ("
                + platform.label() + ": " + (qemu.contains("aarch64") ? installHintArm(platform) : installHint(platform))
                + ") or set the qemu option to its path, or skip "
                + "the boot test", null).option("qemu", "skipBoot");
    }

    /** How to install QEMU's arm64 system emulator. */
    static String installHintArm(HostPlatform platform) {
        return switch (platform) {
            case DEBIAN -> "apt-get install qemu-system-arm qemu-efi-aarch64";
            case FEDORA -> "dnf install qemu-system-aarch64 edk2-aarch64";
            case ARCH -> "pacman -S qemu-system-aarch64 edk2-aarch64";
            case OPENSUSE -> "zypper install qemu-arm qemu-uefi-aarch64";
            case NIXOS -> "nix-env -iA nixpkgs.qemu";
            case MACOS -> "brew install qemu";
            case WINDOWS -> "QEMU's Windows installer";
            case OTHER -> "your distribution's QEMU package for aarch64 guests";
        };
    }

    static String installHint(HostPlatform platform) {
        return switch (platform) {
            case DEBIAN -> "apt-get install qemu-system-x86";
            case FEDORA -> "dnf install qemu-system-x86 (RHEL: qemu-kvm)";
            case ARCH -> "pacman -S qemu-system-x86";
            case OPENSUSE -> "zypper install qemu-x86";
            case NIXOS -> "nix-env -iA nixpkgs.qemu";
            case MACOS -> "brew install qemu";
            case WINDOWS -> "QEMU's Windows installer";
            case OTHER -> "your distribution's QEMU package for x86_64 guests";
        };
    }
}
