package org.nixusb.remaster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.nixusb.BadInputException;
import org.nixusb.fat.FatImageWriter;

/**
 * The El Torito EFI image nixusb creates for a source that has none: a FAT file system holding a GRUB
 * EFI binary as {@code /EFI/BOOT/BOOTX64.EFI} (the removable-media path) and its {@code grub.cfg}.
 */
public final class GrubEfiImage {
    /** Monolithic GRUB images that read {@code $prefix/x86_64-efi/grub.cfg}, then {@code $cmdpath/grub.cfg}. */
    public static final List<Path> CANDIDATES = List.of(
            Path.of("/usr/lib/grub/x86_64-efi/monolithic/grubx64.efi"), // Debian, Ubuntu: grub-efi-amd64-bin
            Path.of("/usr/lib/grub/x86_64-efi/monolithic/gcdx64.efi"));

    /** 65535 sectors of 512 bytes: the most an El Torito entry's count can describe. */
    public static final long MAX_SIZE = 65535L * 512;

    private GrubEfiImage() {
    }

    public static Path findGrub(Path configured) throws BadInputException {
        if (configured != null) {
            if (!Files.isRegularFile(configured)) {
                throw new BadInputException(configured, "the configured GRUB EFI binary does not exist",
                        "Point the grubEfi option at a GRUB x86_64 EFI image, or remove it to use the host's")
                        .option("grubEfi");
            }
            return configured;
        }
        for (Path p : CANDIDATES) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new BadInputException("GRUB EFI", "no GRUB EFI image found to make the image boot on UEFI; searched "
                + CANDIDATES, "Install it (Debian/Ubuntu: apt-get install grub-efi-amd64-bin), set the grubEfi option, "
                        + "or build a BIOS-only image with the efi option set to none", null).option("grubEfi", "efi");
    }

    /** Builds the FAT image. */
    public static byte[] build(Path grub, String grubCfg, long volumeId, Instant time) throws IOException,
            BadInputException {
        byte[] loader = Files.readAllBytes(grub);
        byte[] img = new FatImageWriter("EFIBOOT", volumeId, time)
                .add("/EFI/BOOT/BOOTX64.EFI", loader)
                .add("/EFI/BOOT/grub.cfg", grubCfg.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .build();
        if (img.length > MAX_SIZE) {
            throw new BadInputException(grub, "the EFI image would be " + img.length / 1024
                    + " KiB, more than the 32 MiB an El Torito entry can describe", "Use a smaller GRUB EFI binary");
        }
        return img;
    }
}
