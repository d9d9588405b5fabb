package org.nixusb.hybrid;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.nixusb.binary.Bytes;
import org.nixusb.iso9660.ImageFile;
import org.nixusb.iso9660.IsoFormatException;

/**
 * The partition tables an image already has (the MBR's four slots and, when valid, a GPT), read so that
 * the image can grow without losing its maker's decisions: every partition keeps its type, GUIDs, name,
 * flags and slot; only where partitions lie changes ({@link #resized}). Positions are 512-byte sectors;
 * an end is exclusive.
 */
public final class PartitionTable {
    public enum Scheme { MBR, GPT }

    /**
     * One partition: its slot (0-based) in its table, where it lies and its type; for MBR whether it is
     * active, for GPT its name.
     */
    public record Partition(Scheme scheme, int slot, long start, long end, int mbrType, UUID gptType, boolean active,
            String name) {
        Partition(Scheme scheme, int slot, long start, long end, int mbrType, UUID gptType) {
            this(scheme, slot, start, end, mbrType, gptType, false, null);
        }

        public boolean protective() {
            return scheme == Scheme.MBR && mbrType == 0xEE;
        }

        /** Holds the first volume descriptor (byte 32768): the partition is the ISO 9660 volume. */
        public boolean holdsVolume() {
            return !protective() && start * 512 <= 32768 && end * 512 >= 32768 + ImageFile.BLOCK;
        }

        public String describe() {
            return scheme + " partition " + (slot + 1) + " (sectors " + start + ".." + end + ", type "
                    + (scheme == Scheme.MBR ? String.format("0x%02x", mbrType) : String.valueOf(gptType)) + ")";
        }
    }

    /**
     * How the image grows: partitions starting at or after {@code appendedStart} (sector; -1 when there are
     * none) move by {@code shift} sectors with everything up to {@code appendedEnd}; the image goes from
     * {@code oldSectors} to {@code newSectors}, and what reached past the appended area (or the end of the
     * image, without one) keeps its distance from the new end.
     */
    public record Growth(long appendedStart, long appendedEnd, long shift, long oldSectors, long newSectors) {
    }

    private static final int MAX_ENTRY_BYTES = 1024 * 1024;

    private final byte[] mbr;
    private final boolean gptSignature;
    private final byte[] gptHeader;
    private final byte[] gptEntries;
    private final List<Partition> partitions;

    private PartitionTable(byte[] mbr, boolean gptSignature, byte[] gptHeader, byte[] gptEntries,
            List<Partition> partitions) {
        this.mbr = mbr;
        this.gptSignature = gptSignature;
        this.gptHeader = gptHeader;
        this.gptEntries = gptEntries;
        this.partitions = partitions;
    }

    /** Reads sector 0 and, when its header and entry array check out (CRCs, places), the primary GPT. */
    public static PartitionTable read(ImageFile image) throws IOException, IsoFormatException {
        byte[] mbr = image.read(0, 512, "the MBR");
        List<Partition> parts = new ArrayList<>(mbrPartitions(mbr));
        byte[] header = null;
        byte[] entries = null;
        boolean signature = false;
        if (image.size() >= 1024) {
            byte[] h = image.read(512, 512, "the GPT header");
            signature = Gpt.signed(h, 0);
            byte[] e = validEntries(image, h);
            if (e != null) {
                header = h;
                entries = e;
                int size = (int) Bytes.u32le(h, 84);
                for (int i = 0; i < e.length / size; i++) {
                    int o = i * size;
                    if (Bytes.allZero(e, o, 16)) {
                        continue;
                    }
                    long first = Bytes.u64le(e, o + 32);
                    long last = Bytes.u64le(e, o + 40);
                    String name = new String(e, o + 56, Math.min(72, size - 56), StandardCharsets.UTF_16LE)
                            .replaceAll("\u0000.*", "");
                    parts.add(new Partition(Scheme.GPT, i, first, last + 1, -1, Guid.fromBytes(e, o), false, name));
                }
            }
        }
        return new PartitionTable(mbr, signature, header, entries, List.copyOf(parts));
    }

    /**
     * The partitions of an MBR (a sector with the 55 AA signature; none without it): each slot with a length, in
     * slot order.
     */
    public static List<Partition> mbrPartitions(byte[] mbr) {
        List<Partition> parts = new ArrayList<>();
        if (Mbr.signed(mbr)) {
            for (int i = 0; i < 4; i++) {
                int o = 446 + 16 * i;
                long start = Bytes.u32le(mbr, o + 8);
                long size = Bytes.u32le(mbr, o + 12);
                if (size != 0) {
                    parts.add(new Partition(Scheme.MBR, i, start, start + size, mbr[o + 4] & 0xFF, null,
                            (mbr[o] & 0xFF) == 0x80, null));
                }
            }
        }
        return parts;
    }

    private static byte[] validEntries(ImageFile image, byte[] h) throws IOException, IsoFormatException {
        Gpt.Header g = Gpt.Header.read(h, 0);
        if (g == null || !g.crcValid() || g.current() != 1) {
            return null;
        }
        long count = g.count();
        long size = g.entrySize();
        long entriesLba = g.entriesLba();
        if (size < 128 || size % 8 != 0 || count * size > MAX_ENTRY_BYTES || count == 0 || entriesLba < 2
                || (entriesLba * 512 + count * size) > image.size()) {
            return null;
        }
        byte[] e = image.read(entriesLba * 512, (int) (count * size), "the GPT entry array");
        return g.entriesMatch(e) ? e : null;
    }

    public List<Partition> partitions() {
        return partitions;
    }

    /** A primary GPT whose header and entry CRCs check out (its partitions are in {@link #partitions()}). */
    public boolean hasGpt() {
        return gptHeader != null;
    }

    /** Sector 1 starts with "EFI PART", valid or not. */
    public boolean gptSignature() {
        return gptSignature;
    }

    /** Sector 0 ends with the 0x55AA signature. */
    public boolean hasMbr() {
        return Mbr.signed(mbr);
    }

    /** Sector 0 holds boot code (bytes 0..439 are not all zero). */
    public boolean hasBootCode() {
        return !Bytes.allZero(mbr, 0, 440);
    }

    /** Whether the boot code is nixusb's UEFI-only message ({@link UefiOnlyBootCode}). */
    public boolean uefiOnlyBootCode() {
        return UefiOnlyBootCode.isIn(mbr);
    }

    /** The MBR disk signature (bytes 440..443). */
    public long diskId() {
        return Bytes.u32le(mbr, 440);
    }

    /** What isohybrid's boot code loads: the 512-byte sector of isolinux.bin it holds at byte 432. */
    public long isohybridBootSector() {
        return Bytes.u32le(mbr, 432);
    }

    /** The GPT's disk GUID, or null without a valid GPT. */
    public UUID gptDiskGuid() {
        return gptHeader == null ? null : Guid.fromBytes(gptHeader, 56);
    }

    /** Sectors the backup GPT needs at the end of the image (its entry array and header), 0 without a GPT. */
    public long backupSectors() {
        return gptHeader == null ? 0 : entrySectors() + 1;
    }

    /** Sectors between the last usable sector and the backup header in the source, kept when it grows. */
    private long tailGap() {
        long gap = Bytes.u64le(gptHeader, 32) - Bytes.u64le(gptHeader, 48);
        return gap > 0 && gap <= 1 + entrySectors() + 2048 ? gap : entrySectors() + 1;
    }

    private long entrySectors() {
        return (gptEntries.length + 511) / 512;
    }

    /** The backup GPT header's sector in the source, or -1. */
    public long backupHeaderSector() {
        return gptHeader == null ? -1 : Bytes.u64le(gptHeader, 32);
    }

    /**
     * Partitions that lie after the ISO 9660 volume's data (which ends at sector {@code dataEnd}): added
     * by xorriso's {@code -append_partition} and the like, inside the image ({@code imageSectors}). Not
     * the protective entry, not the partition that holds the volume.
     */
    public List<Partition> appended(long dataEnd, long imageSectors) {
        List<Partition> out = new ArrayList<>();
        for (Partition p : partitions) {
            if (!p.protective() && !p.holdsVolume() && p.start() >= dataEnd && p.start() > 0
                    && p.end() <= imageSectors) {
                out.add(p);
            }
        }
        return out;
    }

    /** Where a partition starts after {@code g}. */
    public static long newStart(Partition p, Growth g) {
        return isAppended(p, g) ? p.start() + g.shift() : p.start();
    }

    /** Where a partition ends after {@code g}. */
    public static long newEnd(Partition p, Growth g) {
        if (p.protective()) {
            // a protective entry over the whole disk grows with it; a hybrid MBR's 0xEE over the GPT's own
            // sectors only (nixusb's appended layout, gdisk's hybrids) stays where it is
            boolean wholeDisk = p.end() >= g.oldSectors() || p.end() - p.start() >= 0xFFFFFFFFL;
            return wholeDisk ? Math.min(g.newSectors(), p.start() + 0xFFFFFFFFL) : p.end();
        }
        if (isAppended(p, g)) {
            return p.end() + g.shift();
        }
        if (p.holdsVolume()) {
            if (g.appendedStart() >= 0 && p.end() <= g.appendedEnd()) {
                return p.end() + g.shift();
            }
            return p.end() + (g.newSectors() - g.oldSectors());
        }
        return p.end();
    }

    private static boolean isAppended(Partition p, Growth g) {
        return g.appendedStart() >= 0 && !p.protective() && !p.holdsVolume() && p.start() >= g.appendedStart();
    }

    /**
     * The writes that make sector 0, the primary GPT and a backup GPT at the new end describe the grown
     * image. Boot code, disk signature, slots, types, GUIDs, names and flags stay as they were.
     */
    public List<PositionedWrite> resized(Growth g) {
        List<PositionedWrite> out = new ArrayList<>();
        byte[] m = mbr.clone();
        for (Partition p : partitions) {
            if (p.scheme() != Scheme.MBR) {
                continue;
            }
            int o = 446 + 16 * p.slot();
            long start = newStart(p, g);
            long end = newEnd(p, g);
            if ((start == p.start() && end == p.end()) || end <= start || start > 0xFFFFFFFFL) {
                continue;
            }
            int[] geometry = geometry(m, o, p);
            Bytes.put32le(m, o + 8, start);
            Bytes.put32le(m, o + 12, Math.min(0xFFFFFFFFL, end - start));
            if (geometry != null) {
                putChs(m, o + 1, start, geometry);
                putChs(m, o + 5, end - 1, geometry);
            }
        }
        out.add(new PositionedWrite(0, m));
        if (gptHeader == null) {
            return out;
        }
        byte[] e = gptEntries.clone();
        int size = (int) Bytes.u32le(gptHeader, 84);
        for (Partition p : partitions) {
            if (p.scheme() == Scheme.GPT) {
                Bytes.put64le(e, p.slot() * size + 32, newStart(p, g));
                Bytes.put64le(e, p.slot() * size + 40, newEnd(p, g) - 1);
            }
        }
        long backupHeader = g.newSectors() - 1;
        long backupEntries = backupHeader - entrySectors();
        byte[] primary = gptHeader.clone();
        Bytes.put64le(primary, 32, backupHeader);
        Bytes.put64le(primary, 48, backupHeader - tailGap());
        Bytes.put32le(primary, 88, Gpt.crc(e, 0, e.length));
        byte[] backup = primary.clone();
        Bytes.put64le(backup, 24, backupHeader);
        Bytes.put64le(backup, 32, 1);
        Bytes.put64le(backup, 72, backupEntries);
        sealHeader(primary);
        sealHeader(backup);
        out.add(new PositionedWrite(512, primary));
        out.add(new PositionedWrite(Bytes.u64le(gptHeader, 72) * 512, e));
        out.add(new PositionedWrite(backupEntries * 512, e));
        out.add(new PositionedWrite(backupHeader * 512, backup));
        return out;
    }

    private static void sealHeader(byte[] h) {
        int size = (int) Bytes.u32le(h, 12);
        Bytes.put32le(h, 16, 0);
        Bytes.put32le(h, 16, Gpt.crc(h, 0, size));
    }

    /**
     * The CHS geometry (heads, sectors per track) whose addresses the slot's CHS fields hold, so that new
     * ones are written the same way; null when they match none (they are then left as they were).
     */
    private static int[] geometry(byte[] m, int o, Partition p) {
        for (int[] g : new int[][] {{64, 32}, {255, 63}, {16, 63}}) {
            byte[] start = new byte[3];
            byte[] end = new byte[3];
            putChs(start, 0, p.start(), g);
            putChs(end, 0, p.end() - 1, g);
            if (Arrays.equals(start, Arrays.copyOfRange(m, o + 1, o + 4))
                    && Arrays.equals(end, Arrays.copyOfRange(m, o + 5, o + 8))) {
                return g;
            }
        }
        return null;
    }

    /** A CHS address as an MBR slot holds it; past cylinder 1023 the last addressable one. */
    static void putChs(byte[] b, int off, long lba, int[] geometry) {
        int heads = geometry[0];
        int sectors = geometry[1];
        long cyl = lba / ((long) heads * sectors);
        int head = (int) (lba / sectors % heads);
        int sector = (int) (lba % sectors) + 1;
        if (cyl > 1023) {
            cyl = 1023;
            head = heads - 1;
            sector = sectors;
        }
        b[off] = (byte) head;
        b[off + 1] = (byte) (sector | ((cyl >> 2) & 0xC0));
        b[off + 2] = (byte) (cyl & 0xFF);
    }
}
