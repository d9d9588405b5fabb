package org.nixusb.remaster;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.nixusb.BadInputException;
import org.nixusb.BuildLog;
import org.nixusb.eltorito.BootCatalog;
import org.nixusb.eltorito.BootRecord;
import org.nixusb.eltorito.CatalogEntry;
import org.nixusb.eltorito.ElTorito;
import org.nixusb.fat.FatFileSystem;
import org.nixusb.grub.GrubEfiImage;
import org.nixusb.hybrid.IsohybridMbr;
import org.nixusb.iso9660.ImageFile;
import org.nixusb.iso9660.IsoEntry;
import org.nixusb.iso9660.IsoFormatException;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.iso9660.VolumeDescriptor;

/**
 * The source's El Torito boot as the remaster sees it: its catalog read leniently (a damaged record or catalog
 * is reported and treated as none; entries beyond the file are dropped), its EFI images, and what of it the
 * output keeps.
 */
final class SourceCatalog {
    private final IsoVolume volume;
    private final BootCatalog catalog;
    private final BuildLog log;
    /** the catalog's EFI entries, opened by the reader */
    private List<ElTorito.EfiImage> efiImages;
    private List<FatFileSystem> readableEfi;

    private SourceCatalog(IsoVolume volume, BootCatalog catalog, BuildLog log) {
        this.volume = volume;
        this.catalog = catalog;
        this.log = log;
    }

    /** The source volume the catalog was read from. */
    IsoVolume volume() {
        return volume;
    }

    /** The catalog, or null when the source has none (or a damaged one). */
    BootCatalog catalog() {
        return catalog;
    }

    /**
     * The source's El Torito catalog, or null. A damaged boot record or catalog can boot nothing, so it is
     * not a reason to refuse the image: it is reported and replaced by the new catalog. Entries whose image
     * lies outside the file are dropped.
     */
    static SourceCatalog read(IsoVolume volume, BuildLog log) throws IOException {
        VolumeDescriptor damaged = volume.damagedBootRecord();
        if (damaged != null) {
            log.warn("The El Torito boot record at block " + damaged.lba() + " is damaged (version " + damaged.version()
                    + ", system identifier '" + damaged.bootSystemId() + "'): the source's El Torito entries are "
                    + "ignored, and the output gets a valid boot record in its place");
            return new SourceCatalog(volume, null, log);
        }
        VolumeDescriptor br = volume.bootRecord();
        if (br == null) {
            return new SourceCatalog(volume, null, log);
        }
        ElTorito read = ElTorito.read(volume);
        if (read.catalog() == null) {
            log.warn("T" + read.damage().substring(1) + ": the source's El Torito entries are ignored, and the output "
                    + "gets a new catalog");
            return new SourceCatalog(volume, null, log);
        }
        BootCatalog c = read.catalog();
        long blocks = volume.image().size() / ImageFile.BLOCK;
        List<BootCatalog.Section> sections = new ArrayList<>();
        boolean dropped = false;
        for (BootCatalog.Section s : c.sections()) {
            List<CatalogEntry> keep = new ArrayList<>();
            for (CatalogEntry e : s.entries()) {
                if (e.loadLba() >= blocks) {
                    log.warn(String.format("El Torito: the %s entry points at block %d, beyond the end of the image "
                            + "(%d blocks); it is dropped", e.platformName(), e.loadLba(), blocks));
                    dropped = true;
                } else {
                    keep.add(e);
                }
            }
            if (!keep.isEmpty()) {
                sections.add(new BootCatalog.Section(s.platform(), s.idString(), keep));
            }
        }
        c = new BootCatalog(c.validationPlatform(), c.defaultEntry(), sections);
        for (CatalogEntry e : c.entries()) {
            log.info(String.format("El Torito: %s entry at block %d, %d sectors%s", e.platformName(),
                    e.loadLba(), e.sectorCount(), e.bootable() ? "" : " (not bootable)"));
        }
        SourceCatalog source = new SourceCatalog(volume, c, log);
        source.efiImages = dropped ? ElTorito.efiImages(volume, c) : read.efiImages();
        return source;
    }

    /** Whether the source's default entry boots ISOLINUX (an isolinux.bin with the isohybrid signature). */
    boolean bootsIsolinux() throws IOException {
        if (catalog == null || !catalog.defaultEntry().bootable()) {
            return false;
        }
        long lba = catalog.defaultEntry().loadLba();
        if ((lba + 1) * ImageFile.BLOCK > volume.image().size()) {
            return false;
        }
        try {
            return IsohybridMbr.hasHybridSignature(volume.image().readBlock(lba, "the boot image"));
        } catch (IsoFormatException e) {
            return false;
        }
    }

    /**
     * The disk image the default BIOS entry emulates (a floppy, or a hard disk), as a BIOS update or DOS CD boots: its
     * place, its length (a floppy's by its type; a hard disk's where its MBR's partitions end) and the tree's file at
     * that place if there is one. Null when the default entry does not emulate, or its image is not whole in the file.
     */
    EmulatedDisk emulatedDisk() throws IOException {
        if (catalog == null || catalog.defaultEntry().platform() != CatalogEntry.PLATFORM_X86) {
            return null;
        }
        return emulated(catalog.defaultEntry());
    }

    /**
     * Every emulated disk image the catalog boots on a PC: the default entry's first, then those of its x86 sections
     * (multi-boot CDs offer several floppies so), each once.
     */
    List<EmulatedDisk> emulatedDisks() throws IOException {
        List<EmulatedDisk> out = new ArrayList<>();
        EmulatedDisk first = emulatedDisk();
        if (first == null) {
            return out;
        }
        out.add(first);
        for (BootCatalog.Section s : catalog.sections()) {
            if (s.platform() != CatalogEntry.PLATFORM_X86) {
                continue;
            }
            for (CatalogEntry e : s.entries()) {
                EmulatedDisk d = emulated(e);
                if (d != null && out.stream().noneMatch(x -> x.lba() == d.lba())) {
                    out.add(d);
                }
            }
        }
        return out;
    }

    private EmulatedDisk emulated(CatalogEntry e) throws IOException {
        CatalogEntry.Emulation kind = e.emulation();
        if (!e.bootable() || kind == null) {
            return null;
        }
        long start = e.loadLba() * ImageFile.BLOCK;
        long bytes = kind.bytes();
        if (!kind.floppy()) {
            // a hard disk image holds one MBR with its partition; the image ends where the partitions do
            byte[] mbr;
            try {
                mbr = volume.image().read(start, 512, "the El Torito hard disk image");
            } catch (IsoFormatException | IOException unreadable) {
                return null;
            }
            long end = 0;
            for (org.nixusb.hybrid.PartitionTable.Partition p : org.nixusb.hybrid.PartitionTable.mbrPartitions(mbr)) {
                if (p.mbrType() != 0) {
                    end = Math.max(end, p.end());
                }
            }
            bytes = end * 512;
        }
        if (bytes <= 0 || start + bytes > volume.image().size()) {
            return null;
        }
        IsoEntry file = volume.fileAt(e.loadLba());
        return new EmulatedDisk(kind, e.loadLba(), bytes, file != null && file.size() == bytes ? file.path() : null);
    }

    /**
     * An emulated El Torito disk image.
     *
     * @param lba its first block
     * @param bytes its length
     * @param path the tree's file that is exactly the image, or null (the image is hidden from the tree)
     */
    record EmulatedDisk(CatalogEntry.Emulation kind, long lba, long bytes, String path) {
    }

    /** Whether the default entry is a bootable x86 no-emulation loader other than ISOLINUX (FreeBSD, GRUB, DOS). */
    boolean bootsOwnBiosLoader() throws IOException {
        return catalog != null && catalog.defaultEntry().bootable()
                && catalog.defaultEntry().platform() == CatalogEntry.PLATFORM_X86
                && catalog.defaultEntry().media() == CatalogEntry.MEDIA_NO_EMULATION && !bootsIsolinux();
    }

    /** The source file's size in bytes. */
    long sourceSize() {
        return volume.image().size();
    }

    /**
     * The El Torito EFI images that are readable FAT file systems, opened once (a damaged one is reported once and
     * skipped).
     */
    List<FatFileSystem> efiImages() {
        if (readableEfi == null) {
            readableEfi = new ArrayList<>();
            for (ElTorito.EfiImage e : efiImages == null ? List.<ElTorito.EfiImage>of() : efiImages) {
                if (e.readable()) {
                    readableEfi.add(e.fat());
                } else {
                    log.warn("The El Torito EFI image at block " + e.entry().loadLba() + " is not a readable FAT file "
                            + "system (" + e.problem() + "); it is kept but not searched");
                }
            }
        }
        return readableEfi;
    }

    /** The catalog's sections the output keeps besides its new BIOS entry: all but x86, and EFI unless dropped. */
    BootCatalog withoutBios(boolean dropEfi) {
        if (catalog == null) {
            return null;
        }
        List<BootCatalog.Section> keep = new ArrayList<>();
        CatalogEntry oldDefault = catalog.defaultEntry();
        if (!dropEfi && catalog.validationPlatform() == CatalogEntry.PLATFORM_EFI && oldDefault.bootable()) {
            // an EFI-only catalog: its default entry becomes a section of its own
            keep.add(new BootCatalog.Section(CatalogEntry.PLATFORM_EFI, new byte[28], List.of(oldDefault)));
        }
        for (BootCatalog.Section s : catalog.sections()) {
            if (s.platform() != CatalogEntry.PLATFORM_X86 && !(dropEfi && s.platform() == CatalogEntry.PLATFORM_EFI)) {
                keep.add(s);
            }
        }
        return new BootCatalog(0, oldDefault, keep);
    }

    /** Resolves efi=auto: keep the source's EFI image, or create one when it has none. */
    EfiMode efiMode(EfiMode wanted) throws BadInputException {
        boolean has = hasEfi();
        return switch (wanted) {
            case AUTO -> has ? EfiMode.KEEP : EfiMode.CREATE;
            case KEEP -> {
                if (!has) {
                    throw noEfiToKeep(volume.path(), "a GRUB EFI path from its menu");
                }
                yield EfiMode.KEEP;
            }
            case CREATE, NONE -> wanted;
        };
    }

    /**
     * The one refusal of {@code efi=keep} for a source without an El Torito EFI image; {@code created} says what
     * {@code efi=create} would make instead.
     */
    static BadInputException noEfiToKeep(java.nio.file.Path source, String created) {
        return new BadInputException(source, "efi=keep, but the source has no El Torito EFI image", "Set the efi "
                + "option to create (" + created + "), none (a BIOS-only image), or auto").option("efi");
    }

    /** Whether the catalog has a bootable EFI entry. */
    boolean hasEfi() {
        return catalog != null && catalog.entries().stream()
                .anyMatch(e -> e.platform() == CatalogEntry.PLATFORM_EFI && e.bootable());
    }

    /**
     * The first EFI image of the catalog as {512-byte start, 512-byte sectors}. Its size is the size of
     * the file at that place when there is one, else the FAT boot sector's, else the catalog count.
     */
    long[] efiRange() throws IOException {
        for (CatalogEntry e : catalog.entries()) {
            if (e.platform() != CatalogEntry.PLATFORM_EFI || !e.bootable()) {
                continue;
            }
            long bytes = e.sectorCount() * 512L;
            IsoEntry f = volume.fileAt(e.loadLba());
            if (f != null) {
                bytes = f.size();
            }
            if (bytes <= 512) {
                try {
                    bytes = FatFileSystem.declaredSize(volume.image().channel(), e.loadLba() * ImageFile.BLOCK);
                } catch (IOException ex) {
                    log.warn("The EFI image at block " + e.loadLba() + " has no readable size: " + ex.getMessage());
                }
            }
            if (bytes > GrubEfiImage.MAX_SIZE) {
                log.warn("The EFI image is " + bytes / 1024 + " KiB, more than the 32 MiB an El Torito count can "
                        + "describe; its 0xEF partition covers all of it, firmware booting it as a CD may not");
            }
            return new long[] {e.loadLba() * 4, (bytes + 511) / 512};
        }
        return null;
    }
}
