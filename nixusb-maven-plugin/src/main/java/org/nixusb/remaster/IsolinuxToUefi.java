package org.nixusb.remaster;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.nixusb.BadInputException;
import org.nixusb.BuildLog;
import org.nixusb.bootentry.BootEntry;
import org.nixusb.bootentry.BootMenu;
import org.nixusb.bootentry.BootMenuFinder;
import org.nixusb.bootentry.SyslinuxConfigReader;
import org.nixusb.iso9660.ImageFile;
import org.nixusb.iso9660.IsoEntry;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.arch.KernelHeader;

/**
 * The UEFI path a BIOS-only ISOLINUX source can get: its ISOLINUX menu as read by syslinux's rules, keeping the
 * Linux entries whose kernel GRUB can start from 64-bit UEFI (an EFI stub or the EFI handover entry), in the same
 * order, titles, default and timeout. Each label left out is said once, with why: COM32 modules, boot sectors, PXE,
 * memdisk, LOCALBOOT, hidden labels, kernels missing from the medium or without UEFI support.
 */
final class IsolinuxToUefi {
    private final IsoVolume volume;
    private final BuildLog log;

    IsolinuxToUefi(IsoVolume volume, BuildLog log) {
        this.volume = volume;
        this.log = log;
    }

    /**
     * What to create.
     *
     * @param menu the entries GRUB is to boot, or null when none can be
     * @param origin where the menu was read
     * @param whyNone why no UEFI path is made (menu null)
     */
    record Found(BootMenu menu, String origin, String whyNone) {
    }

    /**
     * Reads the menu and checks every kernel.
     *
     * @param asked whether efi=create asked for the path (then a menu without a bootable entry is refused)
     */
    Found read(boolean asked) throws IOException, BadInputException {
        String path = BootMenuFinder.isolinuxConfigPath(volume);
        if (path == null) {
            return none(asked, "the source has no ISOLINUX config nixusb can read");
        }
        String origin = volume.path().getFileName() + "!" + path;
        String text = BootMenuFinder.mediumText(volume).apply(path);
        SyslinuxConfigReader.Result r = SyslinuxConfigReader.read(text == null ? "" : text, path,
                BootMenuFinder.mediumText(volume), origin);
        r.warnings().forEach(w -> log.warn("ISOLINUX menu: " + w));
        for (SyslinuxConfigReader.Skipped s : r.skipped()) {
            log.info("UEFI: left out '" + s.title() + "' (label " + s.label() + "): " + s.why());
        }
        List<BootEntry> kept = new ArrayList<>();
        for (BootEntry e : r.menu().entries()) {
            IsoEntry k = volume.findIgnoringCase(e.kernel());
            if (k == null || k.isDirectory()) {
                log.warn("UEFI: left out '" + e.title() + "': its kernel " + e.kernel() + " is not on the medium");
                continue;
            }
            // the header is in the first blocks: the rest of the kernel is not read
            byte[] head = k.extents().isEmpty() ? new byte[0] : volume.image().read(k.extents().get(0).lba()
                    * ImageFile.BLOCK, (int) Math.min(4096, Math.min(k.size(), k.extents().get(0).length())),
                    "the kernel " + e.kernel());
            String why = KernelHeader.read(head).whyNotX64Uefi();
            if (why != null) {
                log.warn("UEFI: left out '" + e.title() + "': its kernel " + e.kernel() + " cannot start from UEFI: "
                        + why);
                continue;
            }
            kept.add(e);
        }
        if (kept.isEmpty()) {
            return none(asked, "no entry of the ISOLINUX menu " + path + " is a Linux kernel GRUB can start from "
                    + "UEFI");
        }
        String def = kept.stream().anyMatch(e -> e.id().equals(r.menu().defaultId())) ? r.menu().defaultId()
                : kept.get(0).id();
        return new Found(new BootMenu(List.copyOf(kept), def, r.menu().timeoutSeconds()), origin, null);
    }

    private Found none(boolean asked, String why) throws BadInputException {
        if (asked) {
            throw new BadInputException(volume.path(), "efi=create cannot make a UEFI path: " + why,
                    "Set the efi option to auto or none (the image then boots in BIOS only)").option("efi");
        }
        return new Found(null, null, why);
    }
}
