package org.nixusb.remaster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import org.nixusb.BadInputException;
import org.nixusb.fat.FatImageWriter;

/**
 * The El Torito EFI image nixusb creates for a source that has none: a FAT file system holding a GRUB
 * EFI binary as {@code /EFI/BOOT/BOOTX64.EFI} (the removable-media path) and its {@code grub.cfg}.
 */
public final class GrubEfiImage {
    /** 65535 sectors of 512 bytes: the most an El Torito entry's count can describe. */
    public static final long MAX_SIZE = 65535L * 512;

    private GrubEfiImage() {
    }

    /** The configured GRUB EFI binary, checked. */
    public static Path checkConfigured(Path configured) throws BadInputException {
        if (!Files.isRegularFile(configured)) {
            throw new BadInputException(configured, "the configured GRUB EFI binary does not exist",
                    "Point the grubEfi option at a GRUB x86_64 EFI image, or remove it to use the bundled one")
                    .option("grubEfi");
        }
        return configured;
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
