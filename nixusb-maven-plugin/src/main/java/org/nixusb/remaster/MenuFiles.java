package org.nixusb.remaster;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nixusb.BadInputException;
import org.nixusb.BuildLog;
import org.nixusb.bootentry.BootEntry;
import org.nixusb.bootentry.BootMenu;
import org.nixusb.bootentry.BootMenuFinder;
import org.nixusb.fat.FatFileSystem;
import org.nixusb.iso9660.ImageEdit;
import org.nixusb.iso9660.IsoEntry;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.iso9660.Placement;
import org.nixusb.iso9660.SystemUse;
import org.nixusb.output.FileContent;

/**
 * The menu a conversion starts from, and the files its entries name: systemd-boot entries (the ISO tree's,
 * else the El Torito EFI image's) before a GRUB menu; each kernel and initrd found in the ISO tree (exactly,
 * else ignoring case, as 8.3 names need) or copied out of an EFI image into the tree, where ISOLINUX can read it.
 */
final class MenuFiles {
    private static final int FILE_MODE = SystemUse.S_IFREG | 0444;

    private final IsoVolume volume;
    private final List<FatFileSystem> efiImages;
    private final ImageEdit edit;
    private final Placement place;
    private final Instant mtime;
    private final BuildLog log;
    /** files copied out of an EFI image: their path there, their path in the tree */
    private final Map<String, String> copied = new LinkedHashMap<>();

    MenuFiles(IsoVolume volume, List<FatFileSystem> efiImages, ImageEdit edit, Placement place, Instant mtime,
            BuildLog log) {
        this.volume = volume;
        this.efiImages = efiImages;
        this.edit = edit;
        this.place = place;
        this.mtime = mtime;
        this.log = log;
    }

    /**
     * The menu to convert, from the menus already read ({@code read}; read here when null), its warnings logged;
     * refuses a source that has none.
     */
    static BootMenuFinder.Found choose(IsoVolume volume, List<FatFileSystem> efiImages,
            List<BootMenuFinder.Found> read, BuildLog log) throws IOException, BadInputException {
        Path src = volume.path();
        List<BootMenuFinder.Found> found = read != null ? read
                : BootMenuFinder.all(volume, efiImages, src.getFileName().toString());
        BootMenuFinder.Found chosen = null;
        for (BootMenuFinder.Found f : found) {
            if (f.kind() == BootMenuFinder.Kind.SYSTEMD_BOOT
                    || f.kind() == BootMenuFinder.Kind.SYSTEMD_BOOT_EFI_IMAGE) {
                chosen = f;
                break;
            }
        }
        if (chosen != null) {
            chosen.warnings().forEach(log::warn);
            if (chosen.menu().entries().isEmpty()) {
                throw new BadInputException(src, "the boot entries in " + chosen.origin() + " name no kernel ('linux' "
                        + "line)", "Fix the entries of the source image");
            }
        } else {
            chosen = BootMenuFinder.first(found, BootMenuFinder.Kind.GRUB);
            found.stream().filter(f -> f.kind() == BootMenuFinder.Kind.GRUB).forEach(f -> f.warnings()
                    .forEach(log::warn));
            if (chosen != null) {
                log.info("No systemd-boot entries; converting the GRUB menu " + chosen.where());
            }
        }
        if (chosen == null) {
            throw new BadInputException(src, "no boot entries: no systemd-boot entries (/loader/entries/*.conf) in the "
                    + "ISO tree or its El Torito EFI image, no GRUB menu with a Linux entry (/boot/grub/grub.cfg), "
                    + "and its BIOS boot loader is not ISOLINUX", "nixusb converts systemd-boot/gummiboot entries "
                    + "(NixOS live ISOs) and GRUB menus; use a source that has one of them");
        }
        return chosen;
    }

    /** The menu with every entry's files as the tree will have them (copies added to the edit). */
    BootMenu resolve(BootMenu menu) throws IOException, BadInputException {
        List<BootEntry> resolved = new ArrayList<>();
        for (BootEntry e : menu.entries()) {
            String kernel = file(e, e.kernel());
            List<String> initrds = new ArrayList<>();
            for (String i : e.initrds()) {
                initrds.add(file(e, i));
            }
            resolved.add(new BootEntry(e.id(), e.title(), kernel, List.copyOf(initrds), e.options(), e.origin()));
        }
        return new BootMenu(List.copyOf(resolved), menu.defaultId(), menu.timeoutSeconds());
    }

    private String file(BootEntry entry, String path) throws IOException, BadInputException {
        IsoEntry e = volume.find(path);
        if (e == null) {
            e = volume.findIgnoringCase(path);
        }
        if (e != null && !e.isDirectory()) {
            if (e.records().size() > 1) {
                throw new BadInputException(volume.path(), path + " (named by " + entry.origin()
                        + ") is a multi-extent file, which ISOLINUX cannot read",
                        "Keep kernels and initrds under 4 GiB");
            }
            return e.path();
        }
        if (copied.containsKey(path)) {
            return copied.get(path);
        }
        for (FatFileSystem fat : efiImages) {
            FatFileSystem.FatEntry f = fat.find(path);
            if (f != null && !f.directory()) {
                List<long[]> regions = new ArrayList<>();
                for (FatFileSystem.Run r : fat.runs(f)) {
                    regions.add(new long[] {r.position(), r.length()});
                }
                String target = place.copiedFile(path);
                edit.addFile(target, FileContent.ofRegions(volume.image().channel(), regions), FILE_MODE, mtime);
                log.info("Copying " + path + " (" + f.size() / 1024 + " KiB) out of the El Torito EFI image into the "
                        + "ISO tree" + (target.equals(path) ? "" : " as " + target + " (" + path + " is taken)"));
                copied.put(path, target);
                return target;
            }
        }
        throw new BadInputException(volume.path(), "the boot entry " + entry.origin() + " names " + path
                + ", which is neither in the ISO tree nor in its EFI image",
                "Fix the entry or use an image that contains the file");
    }
}
