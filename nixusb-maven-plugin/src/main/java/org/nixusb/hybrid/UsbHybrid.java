package org.nixusb.hybrid;

import java.io.IOException;
import java.util.List;

import org.nixusb.BadInputException;
import org.nixusb.binary.Bytes;
import org.nixusb.checksum.XorrisoMd5Tags;
import org.nixusb.iso9660.IsoFormatException;
import org.nixusb.iso9660.IsoVolume;

/**
 * Whether a source already boots from a USB stick, so that the remaster need change nothing: in BIOS,
 * an MBR with boot code and a partition table whose partitions all lie inside the file (isohybrid's,
 * GRUB's {@code boot_hybrid.img}, or a protective MBR in front of a GPT); in UEFI, an EFI System
 * Partition over the El Torito EFI image in the MBR or a valid GPT ({@link UefiStickCheck}).
 */
public final class UsbHybrid {
    /** What the source's system area offers. */
    public record Verdict(boolean bios, boolean uefi, String biosReason, String uefiReason) {
        public boolean both() {
            return bios && uefi;
        }
    }

    private UsbHybrid() {
    }

    public static Verdict of(IsoVolume v) throws IOException, BadInputException {
        String bios = biosProblem(v);
        List<String> uefi;
        if (v.bootRecord() == null) {
            uefi = List.of("there is no El Torito boot record");
        } else {
            try {
                uefi = UefiStickCheck.uefiUsbProblems(v);
            } catch (IsoFormatException e) {
                uefi = List.of(e.getMessage());
            }
        }
        return new Verdict(bios == null, uefi.isEmpty(), bios == null ? "MBR boot code and partition table" : bios,
                uefi.isEmpty() ? "EFI System Partition over the El Torito EFI image" : String.join("; ", uefi));
    }

    /** Why BIOS cannot boot the file as a disk, or null when it can. */
    static String biosProblem(IsoVolume v) throws IOException, BadInputException {
        byte[] mbr = v.image().read(0, 512, "sector 0");
        if (!Mbr.signed(mbr)) {
            return "sector 0 has no MBR signature";
        }
        if (Bytes.allZero(mbr, 0, 440)) {
            return "the MBR has no boot code";
        }
        long sectors = v.image().size() / 512;
        int partitions = 0;
        for (int i = 0; i < 4; i++) {
            int o = 446 + 16 * i;
            int type = mbr[o + 4] & 0xFF;
            long start = Bytes.u32le(mbr, o + 8);
            long size = Bytes.u32le(mbr, o + 12);
            if (size == 0) {
                continue;
            }
            partitions++;
            int boot = mbr[o] & 0xFF;
            if (boot != 0 && boot != 0x80) {
                return "partition " + (i + 1) + " has an invalid boot flag 0x" + Integer.toHexString(boot);
            }
            if (type == 0xEE) {
                continue; // protective: the GPT describes the disk
            }
            if (start + size > sectors) {
                return "partition " + (i + 1) + " (sectors " + start + ".." + (start + size) + ") ends beyond the file ("
                        + sectors + " sectors)";
            }
        }
        return partitions == 0 ? "the MBR has no partition" : null;
    }

    /**
     * Where xorriso's MD5 checksum tags ({@code --md5}) sit: the blocks of the superblock, tree and session
     * tags ({@link XorrisoMd5Tags}). Empty when it has none.
     */
    public static List<Long> md5Tags(IsoVolume v) throws IOException, BadInputException {
        return XorrisoMd5Tags.find(v.image()).stream().map(XorrisoMd5Tags.Tag::block).toList();
    }
}
