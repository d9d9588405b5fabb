package org.nixusb.remaster;

import java.nio.file.Path;
import java.util.List;

/**
 * What a remaster produced, named by the route its plan took ({@link RemasterPlan.Route}).
 *
 * @param output the image
 * @param size its size in bytes
 * @param route the plan's route: {@code COPY} (a byte copy; bootFileLba is -1), {@code KEEP_LAYOUT} (files added in
 *        the source's own stick layout), {@code KEEP_ISOLINUX} (the source's ISOLINUX kept, the system area added),
 *        {@code CONVERT} (ISOLINUX made from the menu), {@code MEMDISK} and {@code MEMDISK_CD} (ISOLINUX starting
 *        the El Torito disk images, or a copy of the CD, with MEMDISK), {@code UEFI_ONLY} (no BIOS path)
 * @param bootFileLba LBA of isolinux.bin (2048-byte blocks), or -1 when no ISOLINUX is the BIOS entry
 * @param mbrId the MBR disk id written (or the source's, where its system area is kept)
 * @param syslinux the banner of the syslinux used ("ISOLINUX 6.04 20200816"), or null
 * @param config the generated syslinux.cfg, or null when none was generated
 * @param entries ids of the boot entries converted
 * @param sha256 the image's SHA-256 in hex, or null when {@link RemasterOptions#sha256()} was off
 * @param millis time from opening the source to the output moved into place
 */
public record RemasterResult(Path output, long size, RemasterPlan.Route route, long bootFileLba, long mbrId,
        String syslinux, String config, List<String> entries, String sha256, long millis) {

    /** The route's id, as the plan's log line names it ({@code copy}, {@code keep-layout}, {@code convert}, ...). */
    public String routeId() {
        return route.id();
    }

    /** The same result with the image's hash and the time taken. */
    public RemasterResult finished(long newSize, long newBootFileLba, String newSha256, long newMillis) {
        return new RemasterResult(output, newSize, route, newBootFileLba, mbrId, syslinux, config, entries, newSha256,
                newMillis);
    }
}
