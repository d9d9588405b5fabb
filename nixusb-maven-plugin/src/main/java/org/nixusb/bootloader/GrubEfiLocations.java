package org.nixusb.bootloader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.nixusb.BadInputException;
import org.nixusb.HostPaths;

/** Where distributions install a monolithic GRUB x86_64 EFI image (one that needs no modules beside it). */
public final class GrubEfiLocations {
    /** Images that read {@code $prefix/x86_64-efi/grub.cfg}, then {@code $cmdpath/grub.cfg}. */
    public static final List<String> CANDIDATES = List.of(
            "/usr/lib/grub/x86_64-efi/monolithic/grubx64.efi", // Debian, Ubuntu: grub-efi-amd64-bin
            "/usr/lib/grub/x86_64-efi/monolithic/gcdx64.efi");

    private GrubEfiLocations() {
    }

    /** The host's GRUB EFI image. */
    public static Path findOnHost() throws BadInputException {
        for (String c : CANDIDATES) {
            Path p = HostPaths.of(c);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new BadInputException("GRUB EFI", "no GRUB EFI image found on this host to make the image boot on UEFI; "
                + "searched " + CANDIDATES, "Install it (Debian/Ubuntu: apt-get install grub-efi-amd64-bin), take the "
                        + "bundled one (bootloaders = bundled, the default), set the grubEfi option, or build a "
                        + "BIOS-only image with the efi option set to none", null).option("bootloaders", "grubEfi", "efi");
    }
}
