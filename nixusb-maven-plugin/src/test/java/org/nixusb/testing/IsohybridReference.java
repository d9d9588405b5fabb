package org.nixusb.testing;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.nixusb.iso9660.ImageFile;
import org.nixusb.iso9660.IsoVolume;

/**
 * What syslinux's isohybrid writes for the same ISO: a copy of an image cut back to its volume, its
 * system area cleared, then run through {@code isohybrid [-u] -id ID}.
 */
public final class IsohybridReference {
    private IsohybridReference() {
    }

    public static Path of(Path image, Path reference, String id, boolean uefi) throws Exception {
        HostTools.require("isohybrid");
        Files.copy(image, reference, StandardCopyOption.REPLACE_EXISTING);
        long volumeBytes;
        try (IsoVolume v = IsoVolume.open(image)) {
            volumeBytes = v.primary().volumeSpaceSize() * ImageFile.BLOCK;
        }
        try (RandomAccessFile f = new RandomAccessFile(reference.toFile(), "rw")) {
            f.setLength(volumeBytes);
            f.seek(0);
            f.write(new byte[uefi ? 512 * 34 : 512]);
        }
        if (uefi) {
            HostTools.run("isohybrid", "-u", "-id", id, reference.toString());
        } else {
            HostTools.run("isohybrid", "-id", id, reference.toString());
        }
        return reference;
    }
}
