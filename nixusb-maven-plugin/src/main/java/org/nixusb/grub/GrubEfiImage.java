package org.nixusb.grub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import org.nixusb.BadInputException;
import org.nixusb.arch.EfiArch;
import org.nixusb.pe.PeImage;
import org.nixusb.fat.FatImageWriter;

/**
 * The El Torito EFI image nixusb creates for a source that has none: a FAT file system holding a GRUB
 * EFI binary per architecture at its removable-media path ({@code /EFI/BOOT/BOOTX64.EFI}, {@code BOOTIA32.EFI},
 * {@code BOOTAA64.EFI}) and the {@code grub.cfg} they all read.
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

    /** Builds the FAT image with one x86_64 loader. */
    public static byte[] build(Path grub, String grubCfg, long volumeId, Instant time) throws IOException,
            BadInputException {
        return build(java.util.Map.of(EfiArch.X64, grub), grubCfg, volumeId, time);
    }

    /**
     * Builds the FAT image: each loader at its architecture's removable-media path, checked to be a PE program of
     * that architecture (a loader of another one would never run there).
     */
    public static byte[] build(java.util.Map<EfiArch, Path> loaders, String grubCfg, long volumeId, Instant time)
            throws IOException, BadInputException {
        FatImageWriter fat = new FatImageWriter("EFIBOOT", volumeId, time);
        Path last = null;
        for (java.util.Map.Entry<EfiArch, Path> l : new java.util.TreeMap<>(loaders).entrySet()) {
            byte[] loader = Files.readAllBytes(l.getValue());
            int machine = PeImage.machine(loader);
            if (machine != l.getKey().machine()) {
                throw new BadInputException(l.getValue(), "this GRUB EFI binary is " + (machine == 0 ? "not a PE program"
                        : "for " + EfiArch.describeMachine(machine)) + ", not for " + l.getKey().id() + " UEFI",
                        "Give a GRUB EFI image built for " + l.getKey().grubPlatform() + " (grubEfi applies to x64 "
                                + "only; other architectures come from the bootloaders option)").option("grubEfi");
            }
            fat.add(l.getKey().loaderPath(), loader);
            last = l.getValue();
        }
        byte[] img = fat.add("/EFI/BOOT/grub.cfg", grubCfg.getBytes(java.nio.charset.StandardCharsets.UTF_8)).build();
        if (img.length > MAX_SIZE) {
            throw new BadInputException(last, "the EFI image would be " + img.length / 1024
                    + " KiB, more than the 32 MiB an El Torito entry can describe", "Use smaller GRUB EFI binaries or "
                            + "fewer architectures");
        }
        return img;
    }
}
