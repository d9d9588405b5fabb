package org.nixusb.hybrid;

import java.util.List;



/**
 * The system area of {@link StickLayout#APPENDED} (xorriso's {@code -partition_offset 16} with an appended EFI System
 * Partition, as Ubuntu since 22.04 lays out its media): partition 1 holds the ISO data from sector 64 (32 KiB) to the
 * end of the volume, and an ISO 9660 session of its own starts there; partition 2 is the ESP, appended after the ISO
 * data on a 1 MiB boundary. Both are in the GPT and in the MBR, where an 0xEE entry from sector 1 covers the GPT's
 * sectors (a hybrid MBR: BIOSes and firmware that read MBRs see the same partitions). Nothing overlaps; the backup
 * GPT fills the last 33 sectors of the image, which is padded to whole MiB.
 */
public final class AppendedSystemArea {
    /** The first sector of the ISO data partition (2 KiB block 16). */
    public static final long DATA_START = 64;
    private static final int TYPE_ISO = 0x17;

    private AppendedSystemArea() {
    }

    /** Where the ESP goes after ISO data ending at sector {@code dataEnd}: the next MiB boundary. */
    public static long espStart(long dataEnd) {
        return (dataEnd + 2047) / 2048 * 2048;
    }

    /**
     * @param template isohdpfx's boot code, or zeros for an image without a BIOS path
     * @param dataEnd the sector after the ISO data (the volume, its partition session included)
     * @param bootLba the block of isolinux.bin, or -1 for no boot code pointer
     * @param id the MBR disk id
     * @param esp {first sector, sectors} of the appended ESP, or null for none
     * @param identity bytes the GUIDs derive from
     */
    public static SystemArea of(byte[] template, long dataEnd, long bootLba, long id, long[] esp,
            byte[] identity) {
        long end = esp == null ? dataEnd : esp[0] + esp[1];
        long total = GptSystemArea.paddedSectors(end);
        byte[] mbr = GptSystemArea.bootSector(template, bootLba, id);
        int slot = 0;
        MbrEntry.write(mbr, slot++, true, TYPE_ISO, DATA_START, dataEnd - DATA_START);
        if (esp != null) {
            MbrEntry.write(mbr, slot++, false, 0xEF, esp[0], esp[1]);
        }
        MbrEntry.write(mbr, slot, false, 0xEE, 1, DATA_START - 1);
        Mbr.sign(mbr);

        byte[] entries = new byte[Gpt.ENTRIES * Gpt.ENTRY_SIZE];
        Gpt.entry(entries, 0, Guid.BASIC_DATA, Guid.derived(identity, "appended layout partition 1"), DATA_START,
                dataEnd - 1, "ISO9660");
        if (esp != null) {
            Gpt.entry(entries, 1, Guid.EFI_SYSTEM, Guid.derived(identity, "appended layout partition 2"), esp[0],
                    esp[0] + esp[1] - 1, "EFI System");
        }
        List<PositionedWrite> writes = GptSystemArea.tables(mbr, entries, total, identity);
        // sectors 34-63 lie between the GPT and partition 1: cleared, so no older table survives there
        writes.add(new PositionedWrite((2 + Gpt.ENTRY_SECTORS) * 512L,
                new byte[(int) (DATA_START - 2 - Gpt.ENTRY_SECTORS) * 512]));
        String summary = String.format("Appended layout: %s; partition 1 (active, 0x17 / GPT basic data) the ISO data "
                + "from sector %d to %d, with its own ISO 9660 session (Linux mounts it as /dev/sda1)%s; an 0xEE entry "
                + "over the GPT (sectors 1-%d); %d MiB, backup GPT at its end", bootLba < 0 ? "no boot code"
                        : "isohybrid's boot code for isolinux.bin at sector " + bootLba * 4, DATA_START, dataEnd - 1,
                esp == null ? ", no EFI System Partition" : String.format("; partition 2 (0xEF / GPT EFI System) the "
                        + "ESP appended at sector %d, %d sectors", esp[0], esp[1]), DATA_START - 1, total >> 11);
        return new SystemArea(total * 512, total / 2048, List.copyOf(writes), summary);
    }

}
