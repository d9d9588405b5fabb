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

    /** A result of {@code route} written to {@code output}: no ISOLINUX boot file (-1), no entries, until set. */
    public static Builder builder(Path output, RemasterPlan.Route route) {
        return new Builder(output, route);
    }

    /** Builds a {@link RemasterResult} by name, since most routes leave most of it unset. */
    public static final class Builder {
        private final Path output;
        private final RemasterPlan.Route route;
        private long size;
        private long bootFileLba = -1;
        private long mbrId;
        private String syslinux;
        private String config;
        private List<String> entries = List.of();
        private String sha256;
        private long millis;

        private Builder(Path output, RemasterPlan.Route route) {
            this.output = output;
            this.route = route;
        }

        public Builder size(long bytes) {
            this.size = bytes;
            return this;
        }

        public Builder bootFileLba(long lba) {
            this.bootFileLba = lba;
            return this;
        }

        public Builder mbrId(long id) {
            this.mbrId = id;
            return this;
        }

        public Builder syslinux(String banner) {
            this.syslinux = banner;
            return this;
        }

        public Builder config(String syslinuxCfg) {
            this.config = syslinuxCfg;
            return this;
        }

        public Builder entries(List<String> ids) {
            this.entries = List.copyOf(ids);
            return this;
        }

        public Builder sha256(String hex) {
            this.sha256 = hex;
            return this;
        }

        public Builder millis(long ms) {
            this.millis = ms;
            return this;
        }

        public RemasterResult build() {
            return new RemasterResult(output, size, route, bootFileLba, mbrId, syslinux, config, entries, sha256,
                    millis);
        }
    }

    /** The same result with the image's hash and the time taken. */
    public RemasterResult finished(long newSize, long newBootFileLba, String newSha256, long newMillis) {
        return new RemasterResult(output, newSize, route, newBootFileLba, mbrId, syslinux, config, entries, newSha256,
                newMillis);
    }
}
