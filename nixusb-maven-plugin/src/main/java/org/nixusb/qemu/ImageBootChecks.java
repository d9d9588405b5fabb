package org.nixusb.qemu;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.nixusb.BadInputException;
import org.nixusb.eltorito.BootCatalog;
import org.nixusb.eltorito.BootRecord;
import org.nixusb.eltorito.CatalogEntry;
import org.nixusb.fat.FatFileSystem;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.pe.PeImage;

/** What a boot needs to know of the image before it starts: where its catalog is, whether its loaders are signed. */
final class ImageBootChecks {
    private ImageBootChecks() {
    }

    /**
     * Which of the image's El Torito EFI loaders ({@code /EFI/BOOT/BOOTX64.EFI} in an EFI image) carry no
     * Authenticode signature, or null when all do (or there is none to check).
     */
    static String unsignedLoaders(Path image) {
        List<String> unsigned = new ArrayList<>();
        try (IsoVolume v = IsoVolume.open(image)) {
            BootCatalog c = BootRecord.readCatalog(v);
            if (c == null) {
                return null;
            }
            for (CatalogEntry e : c.entries()) {
                if (e.platform() != CatalogEntry.PLATFORM_EFI) {
                    continue;
                }
                long base = e.loadLba() * 2048;
                FatFileSystem fat = FatFileSystem.openWithin(v.image().channel(), base, v.image().size());
                FatFileSystem.FatEntry loader = fat.find("/EFI/BOOT/BOOTX64.EFI");
                if (loader != null && loader.size() < 64L << 20 && !PeImage.signed(fat.readAll(loader))) {
                    unsigned.add("the EFI loader EFI/BOOT/BOOTX64.EFI in the El Torito EFI image at block "
                            + e.loadLba() + " has no Authenticode signature");
                }
            }
        } catch (IOException | BadInputException | RuntimeException unreadable) {
            return null;
        }
        return unsigned.isEmpty() ? null : String.join("; ", unsigned);
    }

    /** Where the image's El Torito catalog is (block), or -1 when it has none. */
    static long catalogBlock(Path image) {
        try (IsoVolume v = IsoVolume.open(image)) {
            return BootRecord.catalogLba(v);
        } catch (IOException | BadInputException notIso) {
            return -1;
        }
    }
}
