package org.nixusb.remaster;

import java.nio.file.Path;
import java.util.List;

/**
 * What a remaster produced.
 *
 * @param output the hybrid image
 * @param size its size in bytes (padded to whole cylinders)
 * @param mode "converted" (ISOLINUX added), "isohybrid-only" (the source already booted with ISOLINUX) or
 *        "unchanged" (the source already boots from USB in BIOS and UEFI: a byte copy; bootFileLba is -1)
 * @param bootFileLba LBA of isolinux.bin (2048-byte blocks)
 * @param mbrId the MBR disk id written
 * @param syslinux the banner of the syslinux used ("ISOLINUX 6.04 20200816")
 * @param config the generated syslinux.cfg, or null when the source's config was kept
 * @param entries ids of the boot entries converted
 * @param sha256 the image's SHA-256 in hex, or null when {@link RemasterOptions#sha256()} was off
 * @param millis time from opening the source to the output moved into place
 */
public record RemasterResult(Path output, long size, String mode, long bootFileLba, long mbrId, String syslinux,
        String config, List<String> entries, String sha256, long millis) {
}
