package org.nixusb.hybrid;

import java.util.ArrayList;
import java.util.List;

import org.nixusb.binary.Bytes;


/**
 * The system area of {@link StickLayout#GPT}: sector 0 a protective MBR (one 0xEE entry from sector 1, active)
 * carrying isohybrid's boot code and the pointer to isolinux.bin; a GPT whose partitions are the ISO data from
 * sector 64 (the volume descriptors, where the GPT's sectors end) up to the EFI image, the EFI System Partition over
 * the El Torito EFI image, and the ISO data after it; the backup GPT in the last 33 sectors of the image, which is
 * padded to whole MiB. No partition overlaps another or the tables.
 */
public final class GptSystemArea {
    /** The first sector of the ISO data partition: the volume descriptors start at 32 KiB. */
    static final long DATA_START = 64;

    private GptSystemArea() {
    }

    /**
     * @param template isohdpfx's boot code, or zeros for an image without a BIOS path
     * @param imageSize the image's size before padding
     * @param bootLba the block of isolinux.bin, or -1 for no boot code pointer
     * @param id the MBR disk id
     * @param efiRange {first sector, sectors} of the El Torito EFI image, or null
     * @param identity bytes the GUIDs derive from
     */
    public static SystemArea of(byte[] template, long imageSize, long bootLba, long id, long[] efiRange,
            byte[] identity) {
        long dataEnd = (imageSize + 511) / 512;
        long total = GptSystemArea.paddedSectors(dataEnd);
        byte[] mbr = GptSystemArea.bootSector(template, bootLba, id);
        int e = 446;
        mbr[e] = (byte) 0x80; // active: legacy BIOSes that boot only a disk with an active entry
        mbr[e + 1] = 0x00;
        mbr[e + 2] = 0x02; // CHS of sector 1
        mbr[e + 3] = 0x00;
        mbr[e + 4] = (byte) 0xEE;
        mbr[e + 5] = (byte) 0xFF;
        mbr[e + 6] = (byte) 0xFF;
        mbr[e + 7] = (byte) 0xFF;
        Bytes.put32le(mbr, e + 8, 1);
        Bytes.put32le(mbr, e + 12, Math.min(total - 1, 0xFFFFFFFFL));
        Mbr.sign(mbr);

        byte[] entries = new byte[Gpt.ENTRIES * Gpt.ENTRY_SIZE];
        int n = 0;
        StringBuilder parts = new StringBuilder();
        long dataFrom = DATA_START;
        if (efiRange != null) {
            if (efiRange[0] > dataFrom) {
                n = part(entries, n, Guid.BASIC_DATA, identity, dataFrom, efiRange[0] - 1, "ISO9660", parts);
            }
            n = part(entries, n, Guid.EFI_SYSTEM, identity, efiRange[0], efiRange[0] + efiRange[1] - 1, "EFI System",
                    parts);
            dataFrom = efiRange[0] + efiRange[1];
        }
        if (dataEnd > dataFrom) {
            n = part(entries, n, Guid.BASIC_DATA, identity, dataFrom, dataEnd - 1, "ISO9660", parts);
        }
        List<PositionedWrite> writes = tables(mbr, entries, total, identity);
        String summary = String.format("GPT layout: protective MBR (0xEE, active)%s; GPT partitions%s; %d MiB, backup "
                + "GPT at its end", bootLba < 0 ? " without boot code" : " with isohybrid's boot code for isolinux.bin at "
                        + "sector " + bootLba * 4, parts, total >> 11);
        return new SystemArea(total * 512, total / 2048, List.copyOf(writes), summary);
    }

    /**
     * Sector 0, the primary GPT (header in sector 1, entries from sector 2) and the backup GPT in the last
     * sectors of a disk of {@code total} sectors, the disk GUID derived from {@code identity}.
     */
    static List<PositionedWrite> tables(byte[] mbr, byte[] entries, long total, byte[] identity) {
        Gpt gpt = new Gpt(Guid.derived(identity, "disk"), null, null);
        long backupEntries = total - 1 - Gpt.ENTRY_SECTORS;
        List<PositionedWrite> writes = new ArrayList<>();
        writes.add(new PositionedWrite(0, mbr));
        writes.add(new PositionedWrite(512, gpt.header(1, total - 1, total, 2, entries)));
        writes.add(new PositionedWrite(1024, entries));
        writes.add(new PositionedWrite(backupEntries * 512, entries));
        writes.add(new PositionedWrite((total - 1) * 512, gpt.header(total - 1, 1, total, backupEntries, entries)));
        return writes;
    }

    /** Sectors of an image whose data ends at sector {@code end}: room for the backup GPT, padded to whole MiB. */
    static long paddedSectors(long end) {
        return (end + 1 + Gpt.ENTRY_SECTORS + 2047) / 2048 * 2048;
    }

    /** Sector 0 with isohybrid's boot code (or zeros), its pointer to isolinux.bin and the disk id; no partitions. */
    static byte[] bootSector(byte[] template, long bootLba, long id) {
        byte[] mbr = new byte[512];
        System.arraycopy(template, 0, mbr, 0, IsohybridMbr.TEMPLATE_SIZE);
        Bytes.put32le(mbr, 432, Math.max(bootLba, 0) * 4);
        Bytes.put32le(mbr, 436, 0);
        Bytes.put32le(mbr, 440, id);
        return mbr;
    }

    private static int part(byte[] entries, int n, java.util.UUID type, byte[] identity, long first, long last,
            String name, StringBuilder parts) {
        Gpt.entry(entries, n, type, Guid.derived(identity, "gpt layout partition " + (n + 1)), first, last, name);
        parts.append(parts.isEmpty() ? " " : ", ").append(String.format("%d %s %d-%d", n + 1, name, first, last));
        return n + 1;
    }

    /** {@link StickLayout#MBR}: isohybrid's sector 0 (with its 0xEF slot), no GPT. */
    public static SystemArea mbrOnly(byte[] template, long imageSize, long bootLba, long id,
            long[] efiRange) {
        IsohybridMbr m = new IsohybridMbr(template);
        long padded = m.paddedSize(imageSize);
        byte[] s0 = efiRange == null ? m.build(padded, Math.max(bootLba, 0), id)
                : m.build(padded, Math.max(bootLba, 0), id, efiRange[0], efiRange[1]);
        String summary = String.format("MBR layout: %s, partition 1 over the image%s, no GPT; %d MiB", bootLba < 0
                ? "no boot code" : "isohybrid's boot code for isolinux.bin at sector " + bootLba * 4, efiRange == null
                        ? "" : String.format(", partition 2 type 0xEF at sector %d, %d sectors (the EFI image)",
                                efiRange[0], efiRange[1]), padded >> 20);
        // sectors 1-33 cleared: a GPT a source had there would otherwise outlive the layout that asked for none
        return new SystemArea(padded, m.cylinders(imageSize), List.of(new PositionedWrite(0, s0),
                new PositionedWrite(512, new byte[(1 + Gpt.ENTRY_SECTORS) * 512])), summary);
    }
}
