package org.nixusb.qemu;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.nixusb.BadInputException;
import org.nixusb.HostPaths;
import org.nixusb.HostPlatform;

/** Finds OVMF, the UEFI firmware for QEMU: a read-only code image and a variable store template. */
public final class Ovmf {
    /** A code image and its variable store template, where one platform installs them. */
    record Location(String platform, String code, String vars) {
    }

    /** The firmware QEMU itself ships (edk2-x86_64-code.fd with the edk2-i386-vars.fd template), under a prefix. */
    private static Location qemuShipped(String platform, String prefix) {
        return new Location(platform, prefix + "/share/qemu/edk2-x86_64-code.fd", prefix + "/share/qemu/edk2-i386-vars.fd");
    }

    /** Code and vars pairs, as distributions install them, in the order they are tried. */
    static List<Location> locations(String home) {
        List<Location> l = new ArrayList<>(List.of(
                new Location("Debian 12+, Ubuntu 22.04+", "/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd"),
                new Location("older Debian, Ubuntu", "/usr/share/OVMF/OVMF_CODE.fd", "/usr/share/OVMF/OVMF_VARS.fd"),
                new Location("Fedora, RHEL", "/usr/share/edk2/ovmf/OVMF_CODE.fd", "/usr/share/edk2/ovmf/OVMF_VARS.fd"),
                new Location("Arch", "/usr/share/edk2/x64/OVMF_CODE.4m.fd", "/usr/share/edk2/x64/OVMF_VARS.4m.fd"),
                new Location("openSUSE", "/usr/share/qemu/ovmf-x86_64-code.bin", "/usr/share/qemu/ovmf-x86_64-vars.bin"),
                qemuShipped("NixOS", "/run/current-system/sw"),
                qemuShipped("Homebrew (Apple silicon)", "/opt/homebrew"),
                qemuShipped("Homebrew (Intel), QEMU built from source", "/usr/local"),
                qemuShipped("QEMU's own firmware", "/usr"),
                new Location("Windows (QEMU's installer)", "C:/Program Files/qemu/share/edk2-x86_64-code.fd",
                        "C:/Program Files/qemu/share/edk2-i386-vars.fd")));
        if (home != null) {
            l.add(qemuShipped("Nix profile", home + "/.nix-profile"));
        }
        return l;
    }

    /**
     * Secure Boot pairs: the code image built with SMM and Secure Boot, and a variable store with
     * Microsoft's keys enrolled (so that a Microsoft-signed shim runs) and Secure Boot on. (QEMU's own
     * edk2-x86_64-secure-code.fd comes without such a store, so it is not among them.)
     */
    static final List<Location> SECURE_LOCATIONS = List.of(
            new Location("Debian 12+, Ubuntu 22.04+", "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd",
                    "/usr/share/OVMF/OVMF_VARS_4M.ms.fd"),
            new Location("older Debian, Ubuntu", "/usr/share/OVMF/OVMF_CODE.secboot.fd", "/usr/share/OVMF/OVMF_VARS.ms.fd"),
            new Location("Fedora, RHEL", "/usr/share/edk2/ovmf/OVMF_CODE.secboot.fd",
                    "/usr/share/edk2/ovmf/OVMF_VARS.secboot.fd"),
            new Location("Arch", "/usr/share/edk2/x64/OVMF_CODE.secboot.4m.fd", "/usr/share/edk2/x64/OVMF_VARS.4m.fd"),
            new Location("openSUSE", "/usr/share/qemu/ovmf-x86_64-smm-ms-code.bin",
                    "/usr/share/qemu/ovmf-x86_64-smm-ms-vars.bin"));

    /** The firmware found: the pair and where it came from. */
    record Found(Path code, Path vars, String platform) {
        Path[] pair() {
            return new Path[] {code, vars};
        }
    }

    private Ovmf() {
    }

    /** The arm64 firmware (AAVMF, or QEMU's edk2-aarch64): code and vars are 64 MiB pflash images. */
    static List<Location> aarch64Locations(String home) {
        List<Location> l = new ArrayList<>(List.of(
                new Location("Debian, Ubuntu", "/usr/share/AAVMF/AAVMF_CODE.fd", "/usr/share/AAVMF/AAVMF_VARS.fd"),
                new Location("Fedora, RHEL", "/usr/share/edk2/aarch64/QEMU_EFI-pflash.raw",
                        "/usr/share/edk2/aarch64/vars-template-pflash.raw"),
                new Location("Arch", "/usr/share/edk2/aarch64/QEMU_CODE.fd", "/usr/share/edk2/aarch64/QEMU_VARS.fd"),
                new Location("NixOS", "/run/current-system/sw/share/qemu/edk2-aarch64-code.fd",
                        "/run/current-system/sw/share/qemu/edk2-arm-vars.fd"),
                new Location("Homebrew (Apple silicon)", "/opt/homebrew/share/qemu/edk2-aarch64-code.fd",
                        "/opt/homebrew/share/qemu/edk2-arm-vars.fd"),
                new Location("Homebrew (Intel), QEMU built from source", "/usr/local/share/qemu/edk2-aarch64-code.fd",
                        "/usr/local/share/qemu/edk2-arm-vars.fd"),
                new Location("QEMU's own firmware", "/usr/share/qemu/edk2-aarch64-code.fd",
                        "/usr/share/qemu/edk2-arm-vars.fd")));
        if (home != null) {
            l.add(new Location("Nix profile", home + "/.nix-profile/share/qemu/edk2-aarch64-code.fd",
                    home + "/.nix-profile/share/qemu/edk2-arm-vars.fd"));
        }
        return l;
    }

    /** arm64 Secure Boot: AAVMF with Microsoft's keys enrolled (no SMM on arm64). */
    static final List<Location> AARCH64_SECURE_LOCATIONS = List.of(
            new Location("Debian, Ubuntu", "/usr/share/AAVMF/AAVMF_CODE.ms.fd", "/usr/share/AAVMF/AAVMF_VARS.ms.fd"));

    /** 32-bit UEFI for PCs: OVMF built for ia32 (Debian's is built with SMM and Secure Boot, its store empty). */
    static final List<Location> IA32_LOCATIONS = List.of(
            new Location("Debian 12+, Ubuntu", "/usr/share/OVMF/OVMF32_CODE_4M.secboot.fd",
                    "/usr/share/OVMF/OVMF32_VARS_4M.fd"),
            new Location("Fedora, RHEL", "/usr/share/edk2/ovmf-ia32/OVMF_CODE.secboot.fd",
                    "/usr/share/edk2/ovmf-ia32/OVMF_VARS.fd"),
            new Location("Arch", "/usr/share/edk2/ia32/OVMF_CODE.4m.fd", "/usr/share/edk2/ia32/OVMF_VARS.4m.fd"),
            new Location("Homebrew (Apple silicon)", "/opt/homebrew/share/qemu/edk2-i386-code.fd",
                    "/opt/homebrew/share/qemu/edk2-i386-vars.fd"),
            new Location("QEMU's own firmware", "/usr/share/qemu/edk2-i386-code.fd", "/usr/share/qemu/edk2-i386-vars.fd"));

    /** @return {code, vars} of the firmware for {@code arch}, with Microsoft's keys when {@code secure} */
    public static Path[] find(Path code, Path vars, boolean secure, GuestArch arch) throws BadInputException {
        return locate(code, vars, secure, System.getProperty(HostPaths.ROOT_PROPERTY), HostPlatform.current(), arch)
                .pair();
    }

    /** Whether a code image is a build with System Management Mode (QEMU must then give it {@code smm=on}). */
    static boolean needsSmm(Path code) {
        String n = code.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return n.contains("secboot") || n.contains("secure") || n.contains("smm");
    }

    static Found locate(Path code, Path vars, boolean secure, String root, HostPlatform platform)
            throws BadInputException {
        return locate(code, vars, secure, root, platform, GuestArch.X86_64);
    }

    /** The configured pair, else the first complete pair of the platform's firmware locations under {@code root}. */
    static Found locate(Path code, Path vars, boolean secure, String root, HostPlatform platform, GuestArch arch)
            throws BadInputException {
        if (code != null || vars != null) {
            if (code == null || vars == null || !Files.isRegularFile(code) || !Files.isRegularFile(vars)) {
                throw new BadInputException(String.valueOf(code == null ? vars : code),
                        "OVMF needs both an existing code image and a variable store template",
                        "Set the ovmfCode and ovmfVars options to existing files, or neither", null)
                        .option("ovmfCode", "ovmfVars");
            }
            return new Found(code, vars, "configured");
        }
        List<String> searched = new ArrayList<>();
        String home = System.getProperty("user.home");
        List<Location> candidates = switch (arch) {
            case X86_64 -> secure ? SECURE_LOCATIONS : locations(home);
            case AARCH64 -> secure ? AARCH64_SECURE_LOCATIONS : aarch64Locations(home);
            case IA32 -> secure ? List.of() : IA32_LOCATIONS;
        };
        for (Location l : candidates) {
            Path c = HostPaths.under(root, l.code());
            Path v = HostPaths.under(root, l.vars());
            if (Files.isRegularFile(c) && Files.isRegularFile(v)) {
                return new Found(c, v, l.platform());
            }
            searched.add(l.code());
        }
        String machine = arch == GuestArch.X86_64 ? "" : arch == GuestArch.AARCH64 ? " arm64" : " 32-bit (ia32)";
        if (arch == GuestArch.IA32 && secure) {
            throw new BadInputException("OVMF", "no 32-bit UEFI firmware with Microsoft's keys enrolled is known to "
                    + "nixusb (distributions ship none)", "Boot the 32-bit path in uefi-usb or uefi-cdrom, or set "
                    + "ovmfCode and ovmfVars to a 32-bit Secure Boot pair you enrolled yourself", null)
                    .option("ovmfCode", "ovmfVars");
        }
        String what = secure ? "no" + machine + " Secure Boot UEFI firmware for QEMU with Microsoft's keys found"
                : "no" + machine + " UEFI firmware for QEMU found";
        throw new BadInputException("OVMF", what + "; searched " + String.join(", ", searched),
                "Install it (" + platform.label() + ": " + installHint(platform, secure, arch) + ") or set the "
                        + "ovmfCode and ovmfVars options" + (secure ? " to a Secure Boot pair" : ""), null)
                .option("ovmfCode", "ovmfVars");
    }

    /** The command that installs a machine's firmware on a platform. */
    static String installHint(HostPlatform platform, boolean secure, GuestArch arch) {
        if (arch == GuestArch.X86_64) {
            return installHint(platform, secure);
        }
        boolean arm = arch == GuestArch.AARCH64;
        return switch (platform) {
            case DEBIAN -> arm ? "apt-get install qemu-efi-aarch64" : "apt-get install ovmf-ia32";
            case FEDORA -> arm ? "dnf install edk2-aarch64" : "dnf install edk2-ovmf-ia32";
            case ARCH -> arm ? "pacman -S edk2-aarch64" : "pacman -S edk2-ovmf";
            case OPENSUSE -> arm ? "zypper install qemu-uefi-aarch64" : "zypper install qemu-ovmf-ia32";
            case NIXOS -> "nix-env -iA nixpkgs.qemu";
            case MACOS -> "brew install qemu";
            case WINDOWS -> "the QEMU installer, which puts edk2-" + (arm ? "aarch64" : "i386") + "-code.fd in its "
                    + "share directory";
            case OTHER -> "your distribution's " + (arm ? "AAVMF or edk2-aarch64" : "32-bit OVMF") + " package";
        };
    }

    /** The command that installs the firmware on a platform. */
    static String installHint(HostPlatform platform, boolean secure) {
        return switch (platform) {
            case DEBIAN -> "apt-get install ovmf";
            case FEDORA -> "dnf install edk2-ovmf";
            case ARCH -> "pacman -S edk2-ovmf";
            case OPENSUSE -> "zypper install qemu-ovmf-x86_64";
            case NIXOS -> secure ? "nix-env -iA nixpkgs.OVMFFull" : "nix-env -iA nixpkgs.qemu";
            case MACOS -> secure ? "Secure Boot firmware with Microsoft's keys is not in Homebrew's QEMU; point "
                    + "ovmfCode and ovmfVars at a pair from a Linux distribution" : "brew install qemu";
            case WINDOWS -> "the QEMU installer, which puts edk2-x86_64-code.fd in its share directory";
            case OTHER -> "your distribution's OVMF or edk2 package";
        };
    }
}
