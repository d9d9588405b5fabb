package org.nixusb.remaster;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.nixusb.BuildLog;
import org.nixusb.arch.EfiArch;
import org.nixusb.fat.FatFileSystem;
import org.nixusb.iso9660.ImageEdit;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.iso9660.Placement;
import org.nixusb.output.FileContent;

/**
 * The El Torito EFI image's files put into the ISO tree too, where the tree has none at their paths: a stick made by
 * copying the image's files onto FAT32 (Rufus's ISO mode, a copy by hand) then boots from UEFI, whose firmware looks
 * for {@code \EFI\BOOT\BOOT<ARCH>.EFI} in the stick's own file system and never inside the El Torito image. The
 * copies are the same bytes (a signed loader stays signed); the kept image itself is untouched. Option
 * {@code efiTree}.
 */
final class EfiTree {
    private static final int FILE_MODE = RouteExecutor.FILE_MODE;

    private final IsoVolume volume;
    private final ImageEdit edit;
    private final Placement place;
    private final Instant mtime;
    private final List<String> added = new ArrayList<>();
    private long bytes;

    EfiTree(IsoVolume volume, ImageEdit edit, Placement place, Instant mtime) {
        this.volume = volume;
        this.edit = edit;
        this.place = place;
        this.mtime = mtime;
    }

    /**
     * Every file of the kept EFI images the tree lacks (the first image's copy where several hold one path), as the
     * output's images hold them: a config {@code kernelArgs} rewrote inside an image is copied as rewritten.
     */
    EfiTree kept(List<FatFileSystem> images, KeptConfigs.Edits edits) throws IOException {
        for (int i = 0; i < images.size(); i++) {
            FatFileSystem fat = images.get(i);
            for (FatFileSystem.FileAt f : fat.files()) {
                byte[] rewritten = edits.imageFile(i, f.path());
                if (rewritten != null) {
                    add(f.path(), FileContent.of(rewritten), rewritten.length);
                } else {
                    List<long[]> regions = new ArrayList<>();
                    for (FatFileSystem.Run r : fat.runs(f.entry())) {
                        regions.add(new long[] {r.position(), r.length()});
                    }
                    add(f.path(), FileContent.ofRegions(volume.image().channel(), regions), f.entry().size());
                }
            }
        }
        return this;
    }

    /** The loaders and config of an EFI image nixusb creates ({@link org.nixusb.grub.GrubEfiImage}'s layout). */
    EfiTree created(Map<EfiArch, Path> loaders, byte[] grubCfg) throws IOException {
        for (Map.Entry<EfiArch, Path> l : loaders.entrySet()) {
            add(l.getKey().loaderPath(), FileContent.of(l.getValue()), l.getValue().toFile().length());
        }
        add("/EFI/BOOT/grub.cfg", FileContent.of(grubCfg), grubCfg.length);
        return this;
    }

    /** Says what was copied, or nothing when nothing was. */
    void log(BuildLog log) {
        if (!added.isEmpty()) {
            log.info(String.format("EFI tree: %d file%s (%d KiB) of the El Torito EFI image also in the ISO tree, so "
                    + "that a FAT32 copy of the files boots from UEFI: %s", added.size(), added.size() == 1 ? "" : "s",
                    (bytes + 1023) / 1024, String.join(", ", added.size() <= 6 ? added : List.of(String.join(", ",
                            added.subList(0, 6)), "... (" + (added.size() - 6) + " more)"))));
        }
    }

    List<String> added() {
        return List.copyOf(added);
    }

    /**
     * The path with its directories spelled as the tree spells them ({@code /efi/boot/...} where the tree has
     * {@code /efi/boot}): FAT folds case, so two spellings of one directory would clash on the stick.
     */
    private String inTreeDirectories(String path) {
        String[] parts = path.substring(1).split("/");
        String base = "";
        int i = 0;
        for (; i < parts.length - 1; i++) {
            org.nixusb.iso9660.IsoEntry d = volume.findIgnoringCase(base + "/" + parts[i]);
            if (d == null || !d.isDirectory()) {
                break;
            }
            base = d.path();
        }
        StringBuilder sb = new StringBuilder(base);
        for (; i < parts.length; i++) {
            sb.append('/').append(parts[i]);
        }
        return sb.toString();
    }

    private void add(String fatPath, FileContent content, long size) {
        String path = inTreeDirectories(fatPath);
        if (volume.findIgnoringCase(path) != null || edit.adds(path) || edit.slot(path) != ImageEdit.Slot.FREE
                || !place.canWriteFile(path)) {
            return; // the tree has it (or something in the way): the tree's copy is what a FAT copy gets
        }
        edit.addFile(path, content, FILE_MODE, mtime);
        added.add(path);
        bytes += size;
    }
}
