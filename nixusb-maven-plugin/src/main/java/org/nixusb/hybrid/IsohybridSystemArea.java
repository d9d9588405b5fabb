package org.nixusb.hybrid;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes the system area of an isohybrid image, as {@code isohybrid} (BIOS) and {@code isohybrid -u}
 * (UEFI) lay it out: the image padded to whole 1 MiB cylinders, sector 0 from {@link IsohybridMbr}, and
 * for UEFI an 0xEF slot over the El Torito EFI image and a GPT ({@link Gpt}) with its backup at the
 * end. The result is a list of positioned blocks, so that whoever applies them (the remaster's delta)
 * stays outside this package.
 */
public final class IsohybridSystemArea {
    private IsohybridSystemArea() {
    }

    /**
     * @param template isohdpfx's boot code (at least {@link IsohybridMbr#TEMPLATE_SIZE} bytes)
     * @param imageSize the image's size before padding
     * @param freeTail zero bytes at the end of the image that the backup GPT may take (as isohybrid -u)
     * @param bootLba the block of isolinux.bin, or -1 for an MBR without boot code (a zero template: UEFI only)
     * @param id the MBR disk id
     * @param efiRange {first sector, sectors} of the El Torito EFI image, or null for BIOS only
     * @param identity bytes the GPT GUIDs derive from (the final primary volume descriptor)
     */
    public static SystemArea of(byte[] template, long imageSize, long freeTail, long bootLba, long id, long[] efiRange,
            byte[] identity) {
        IsohybridMbr mbr = new IsohybridMbr(template);
        long padded = mbr.paddedSize(imageSize);
        if (efiRange != null && padded - imageSize + freeTail < 512 + Gpt.ENTRY_SECTORS * 512L) {
            padded += mbr.cylinderSize(); // room for the backup GPT, as isohybrid adds
        }
        long cylinders = padded / mbr.cylinderSize();
        List<PositionedWrite> writes = new ArrayList<>();
        if (efiRange == null) {
            writes.add(new PositionedWrite(0, mbr.build(imageSize, Math.max(bootLba, 0), id)));
        } else {
            writes.add(new PositionedWrite(0, mbr.build(padded, Math.max(bootLba, 0), id, efiRange[0],
                    efiRange[1])));
            long total = padded / 512;
            Gpt gpt = new Gpt(Guid.derived(identity, "disk"), Guid.derived(identity, "partition 1"),
                    Guid.derived(identity, "partition 2"));
            byte[] entries = gpt.entries(imageSize / 512, efiRange[0], efiRange[1]);
            writes.add(new PositionedWrite(512, gpt.header(1, total - 1, total, 2, entries)));
            writes.add(new PositionedWrite(1024, entries));
            long backupEntries = total - 1 - Gpt.ENTRY_SECTORS;
            writes.add(new PositionedWrite(backupEntries * 512, entries));
            writes.add(new PositionedWrite((total - 1) * 512, gpt.header(total - 1, 1, total, backupEntries,
                    entries)));
        }
        String summary = String.format("%s, partition 1 %s, %d MiB (%d "
                + "cylinders of 64 heads x 32 sectors)%s", bootLba < 0 ? "MBR without boot code (UEFI only)"
                        : "Isohybrid MBR: isolinux.bin at sector " + bootLba * 4, efiRange == null ? "type 0x17 active"
                        : "type 0x00 active", padded >> 20, cylinders, efiRange == null ? "" : String.format(
                                "; partition 2 type 0xEF at sector %d, %d sectors (the EFI image); GPT with both",
                                efiRange[0], efiRange[1]));
        return new SystemArea(padded, cylinders, List.copyOf(writes), summary);
    }
}
