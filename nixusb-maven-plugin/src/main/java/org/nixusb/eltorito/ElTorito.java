package org.nixusb.eltorito;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.nixusb.fat.FatFileSystem;
import org.nixusb.iso9660.ImageFile;
import org.nixusb.iso9660.IsoFormatException;
import org.nixusb.iso9660.IsoVolume;

/**
 * A volume's El Torito boot: its catalog (through the boot record) and the boot images the catalog names, the
 * EFI ones opened as the FAT file systems they should be. The one reader of "the catalog and its EFI images" for
 * inspection, architecture detection, boot checks and the remaster; {@code lint} keeps a reader of its own on
 * purpose (it judges the raw bytes, so it must not share the reader it judges).
 *
 * @param catalog the catalog, or null when the volume has no valid boot record or the catalog is damaged
 * @param damage why a catalog the boot record names could not be read, or null
 * @param efiImages the catalog's EFI entries in catalog order, each with its file system or why it has none
 */
public record ElTorito(BootCatalog catalog, String damage, List<EfiImage> efiImages) {

    /**
     * One EFI entry of the catalog.
     *
     * @param entry the catalog entry
     * @param fat its image as a FAT file system, or null when it is not one nixusb can read
     * @param problem why {@code fat} is null, or null
     */
    public record EfiImage(CatalogEntry entry, FatFileSystem fat, String problem) {
        /** Whether the image is a readable FAT file system. */
        public boolean readable() {
            return fat != null;
        }
    }

    /**
     * Reads the catalog and opens its EFI images. A damaged catalog or an EFI image that is not FAT is described,
     * not thrown: what cannot be read boots nothing, and each caller decides what that means.
     *
     * @throws IOException when the image cannot be read at all
     */
    public static ElTorito read(IsoVolume volume) throws IOException {
        BootCatalog catalog;
        try {
            catalog = BootRecord.readCatalog(volume);
        } catch (IllegalArgumentException | IsoFormatException e) {
            return new ElTorito(null, "the El Torito boot catalog at block " + BootRecord.catalogLba(volume)
                    + " is damaged (" + e.getMessage() + ")", List.of());
        }
        if (catalog == null) {
            return new ElTorito(null, null, List.of());
        }
        return new ElTorito(catalog, null, efiImages(volume, catalog));
    }

    /** The EFI entries of {@code catalog} (one the caller has read, or filtered), each opened as FAT. */
    public static List<EfiImage> efiImages(IsoVolume volume, BootCatalog catalog) {
        List<EfiImage> out = new ArrayList<>();
        for (CatalogEntry e : catalog == null ? List.<CatalogEntry>of() : catalog.entries()) {
            if (e.platform() != CatalogEntry.PLATFORM_EFI) {
                continue;
            }
            try {
                out.add(new EfiImage(e, FatFileSystem.openWithin(volume.image().channel(),
                        e.loadLba() * ImageFile.BLOCK, volume.image().size()), null));
            } catch (IOException | RuntimeException notFat) {
                out.add(new EfiImage(e, null, String.valueOf(notFat.getMessage())));
            }
        }
        return out;
    }

    /** The EFI images that are readable FAT file systems, in catalog order. */
    public List<FatFileSystem> readableEfiImages() {
        return efiImages.stream().filter(EfiImage::readable).map(EfiImage::fat).toList();
    }

    /** The catalog's entries (none without a catalog). */
    public List<CatalogEntry> entries() {
        return catalog == null ? List.of() : catalog.entries();
    }
}
