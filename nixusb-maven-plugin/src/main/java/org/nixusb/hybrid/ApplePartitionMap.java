package org.nixusb.hybrid;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.nixusb.binary.Bytes;


/**
 * An Apple partition map in an image's system area, as HFS hybrid CDs (genisoimage {@code -hfs -part}, 512-byte
 * blocks) and xorriso's {@code -isohybrid-apm-hfsplus} (2048-byte blocks) carry it for Macs: a driver descriptor map
 * at byte 0 (signature "ER", the block size, the device's block count) and, from block 1, one "PM" entry per
 * partition, each saying how many entries the map has, where its partition starts and how long it is (in map
 * blocks), its name and its type ({@code Apple_partition_map}, {@code Apple_HFS}, {@code Apple_Free}, ...). Big-endian
 * throughout. Read only: nixusb keeps a source's map in its own layout and says when a layout it writes replaces it.
 *
 * @param blockSize the map's block size in bytes (512 or 2048)
 * @param entries the partitions, in map order
 */
public record ApplePartitionMap(int blockSize, List<Entry> entries) {
    /** Entries read at most: a map of more is damaged or not one. */
    private static final int MAX_ENTRIES = 63;

    /**
     * One partition of the map.
     *
     * @param start where it starts, in map blocks
     * @param blocks its length, in map blocks
     */
    public record Entry(String name, String type, long start, long blocks) {
        public String describe() {
            return "'" + name + "' " + type + " (blocks " + start + "+" + blocks + ")";
        }
    }

    /**
     * The map in {@code systemArea} (the image's first bytes, up to 32 KiB), or null when it has none: no "ER" at
     * byte 0 with a block size of 512 or 2048, or no "PM" entry at block 1.
     */
    public static ApplePartitionMap read(byte[] systemArea) {
        if (systemArea.length < 1024 || systemArea[0] != 'E' || systemArea[1] != 'R') {
            return null;
        }
        int bs = Bytes.u16be(systemArea, 2);
        if (bs != 512 && bs != 2048) {
            return null;
        }
        List<Entry> entries = new ArrayList<>();
        long count = -1;
        for (int i = 1; i <= MAX_ENTRIES && (i + 1) * bs <= systemArea.length; i++) {
            int o = i * bs;
            if (systemArea[o] != 'P' || systemArea[o + 1] != 'M') {
                break;
            }
            if (count < 0) {
                count = Bytes.u32be(systemArea, o + 4);
            }
            entries.add(new Entry(text(systemArea, o + 16), text(systemArea, o + 48), Bytes.u32be(systemArea, o + 8),
                    Bytes.u32be(systemArea, o + 12)));
            if (entries.size() >= count) {
                break;
            }
        }
        return entries.isEmpty() ? null : new ApplePartitionMap(bs, List.copyOf(entries));
    }

    /** One line: "512-byte blocks: 'Apple' Apple_partition_map (blocks 1+2), 'ISO' Apple_HFS (...)". */
    public String describe() {
        return blockSize + "-byte blocks: " + String.join(", ", entries.stream().map(Entry::describe).toList());
    }

    private static String text(byte[] b, int o) {
        int n = 0;
        while (n < 32 && b[o + n] != 0) {
            n++;
        }
        StringBuilder s = new StringBuilder();
        for (char c : new String(b, o, n, StandardCharsets.ISO_8859_1).toCharArray()) {
            s.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return s.toString();
    }
}
