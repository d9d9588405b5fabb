package org.nixusb.grub;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.nixusb.BadInputException;
import org.nixusb.HostPaths;
import org.nixusb.arch.EfiArch;

/** Where distributions install a monolithic GRUB EFI image (one that needs no modules beside it), per architecture. */
public final class GrubEfiLocations {
    /** Images that read {@code $prefix/x86_64-efi/grub.cfg}, then {@code $cmdpath/grub.cfg}. */
    public static final List<String> CANDIDATES = candidates(EfiArch.X64);

    private GrubEfiLocations() {
    }

    /** Debian's and Ubuntu's places (grub-efi-amd64-bin, grub-efi-ia32-bin, grub-efi-arm64-bin). */
    public static List<String> candidates(EfiArch arch) {
        String dir = "/usr/lib/grub/" + arch.grubPlatform() + "/monolithic/";
        return List.of(dir + "grub" + arch.id() + ".efi", dir + "gcd" + arch.id() + ".efi");
    }

    /** The host's GRUB x86_64 EFI image. */
    public static Path findOnHost() throws BadInputException {
        return findOnHost(EfiArch.X64);
    }

    /** The host's GRUB EFI image for {@code arch}. */
    public static Path findOnHost(EfiArch arch) throws BadInputException {
        for (String c : candidates(arch)) {
            Path p = HostPaths.of(c);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        String pkg = switch (arch) {
            case X64 -> "grub-efi-amd64-bin";
            case IA32 -> "grub-efi-ia32-bin";
            case AA64 -> "grub-efi-arm64-bin (on another architecture: dpkg --add-architecture arm64, then "
                    + "grub-efi-arm64-bin:arm64)";
            default -> "grub-efi-" + arch.id() + "-bin";
        };
        throw new BadInputException("GRUB EFI", "no GRUB " + arch.id() + " EFI image found on this host to make the "
                + "image boot on UEFI; searched " + candidates(arch), "Install it (Debian/Ubuntu: apt-get install "
                        + pkg + "), take the bundled one (bootloaders = bundled, the default), set the grubEfi option, "
                        + "or build a BIOS-only image with the efi option set to none", null)
                .option("bootloaders", "grubEfi", "efi");
    }
}
