package org.nixusb.hybrid;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.nixusb.BadInputException;
import org.nixusb.binary.Bytes;
import org.nixusb.eltorito.BootCatalog;
import org.nixusb.eltorito.CatalogEntry;
import org.nixusb.iso9660.IsoFormatException;
import org.nixusb.iso9660.IsoVolume;

/**
 * Reads back the partition structures of a hybrid image and says whether UEFI firmware can boot it
 * from a USB stick: an 0xEF MBR slot over the El Torito EFI image, or a protective MBR and a GPT
 * entry there; a GPT, when there is one, must start an entry at the EFI image and have both copies
 * with valid CRCs. QEMU's OVMF boots an El Torito EFI image even from a disk without any of this, so
 * a passing uefi-usb boot alone proves nothing about real sticks; this check does.
 */
public final class UefiStickCheck {
    private UefiStickCheck() {
    }

    /** The problems that stop UEFI USB boot; empty when there are none. */
    public static List<String> uefiUsbProblems(Path image) throws IOException, BadInputException {
        try (IsoVolume v = IsoVolume.open(image)) {
            return uefiUsbProblems(v);
        }
    }

    /** The same for an image already open. */
    public static List<String> uefiUsbProblems(IsoVolume v) throws IOException, BadInputException {
        List<String> problems = new ArrayList<>();
        try {
            byte[] head = v.image().read(0, 512 * 34, "the system area");
            long efiStart = -1;
            BootCatalog cat = org.nixusb.eltorito.BootRecord.readCatalog(v);
            if (cat != null) {
                for (CatalogEntry e : cat.entries()) {
                    if (e.platform() == CatalogEntry.PLATFORM_EFI && e.bootable()) {
                        efiStart = e.loadLba() * 4;
                        break;
                    }
                }
            }
            if (efiStart < 0) {
                problems.add("there is no El Torito EFI boot image");
                return problems;
            }
            if (!Mbr.signed(head)) {
                problems.add("sector 0 has no MBR signature");
            } else {
                boolean slot = false;
                boolean protective = false;
                for (int i = 0; i < 4; i++) {
                    int o = 446 + 16 * i;
                    if ((head[o + 4] & 0xFF) == 0xEF && Bytes.u32le(head, o + 8) == efiStart
                            && Bytes.u32le(head, o + 12) > 0) {
                        slot = true;
                    }
                    protective |= (head[o + 4] & 0xFF) == 0xEE;
                }
                // a protective MBR (0xEE) hands the disk to the GPT, which then must hold the EFI partition
                if (!slot && !protective) {
                    problems.add("no MBR partition of type 0xEF starts at the EFI image (sector " + efiStart + ")");
                }
            }
            boolean gpt = Gpt.signed(head, 512);
            if (!gpt && problems.isEmpty()) {
                return problems; // an MBR with an 0xEF slot is a partition table UEFI firmware reads (spec 5.2.1)
            }
            checkGpt(v, head, 512, efiStart, "primary", problems);
            if (problems.stream().noneMatch(p -> p.startsWith("primary GPT"))) {
                long backup = Bytes.u64le(head, 512 + 32);
                byte[] b = backup > 0 && backup < v.image().size() / 512
                        ? v.image().read(backup * 512, 512, "backup GPT") : null;
                if (b == null) {
                    problems.add("the backup GPT header (sector " + backup + ") lies beyond the end of the image");
                } else {
                    checkGpt(v, b, 0, efiStart, "backup", problems);
                }
            }
        } catch (IllegalArgumentException e) {
            problems.add("the boot catalog is damaged: " + e.getMessage());
        }
        return problems;
    }

    private static void checkGpt(IsoVolume v, byte[] buf, int off, long efiStart, String which, List<String> problems)
            throws IOException, BadInputException {
        Gpt.Header g = Gpt.Header.read(buf, off);
        if (g == null) {
            problems.add(which + " GPT header is missing");
            return;
        }
        if (g.size() < 92 || g.size() > 512) {
            problems.add(which + " GPT header has an impossible size (" + g.size() + " bytes)");
            return;
        }
        if (!g.crcValid()) {
            problems.add(which + " GPT header CRC is wrong");
            return;
        }
        long entriesLba = g.entriesLba();
        if (g.count() <= 0 || g.count() > 1024 || g.entrySize() < 128 || g.entrySize() > 1024) {
            problems.add(which + " GPT has an implausible entry array (" + (int) g.count() + " x "
                    + (int) g.entrySize() + ")");
            return;
        }
        int count = (int) g.count();
        int entrySize = (int) g.entrySize();
        byte[] entries;
        try {
            entries = v.image().read(entriesLba * 512, count * entrySize, which + " GPT entries");
        } catch (IsoFormatException e) {
            problems.add(which + " GPT entry array (sector " + entriesLba + ") lies outside the image");
            return;
        }
        if (!g.entriesMatch(entries)) {
            problems.add(which + " GPT entry array CRC is wrong");
            return;
        }
        boolean covered = false;
        for (int i = 0; i < count; i++) {
            int o = i * entrySize;
            if (!Bytes.allZero(entries, o, 16) && Bytes.u64le(entries, o + 32) == efiStart) {
                covered = true;
            }
        }
        if (!covered) {
            problems.add(which + " GPT has no entry starting at the EFI image (sector " + efiStart + ")");
        }
    }
}
