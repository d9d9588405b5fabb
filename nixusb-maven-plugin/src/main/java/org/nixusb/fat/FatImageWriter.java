package org.nixusb.fat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds a FAT16 file system image in memory (an El Torito EFI image: at most 32 MiB, so it always
 * fits FAT16 with 512-byte clusters), with long file names. The output depends only on the files,
 * the time stamp and the volume id: the same input gives the same bytes.
 */
public final class FatImageWriter {
    private static final int SECTOR = 512;
    private static final int ROOT_ENTRIES = 512;
    private static final int RESERVED = 4;
    private static final int MIN_CLUSTERS = 4085 + 16;
    private static final int MAX_CLUSTERS = 65524;

    /** A directory in the image being built: name to content (byte[] for a file, Dir for a directory). */
    private static final class Dir {
        final Map<String, Object> children = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        int firstCluster;
        int clusters;
    }

    private final Dir root = new Dir();
    private final String label;
    private final long volumeId;
    private final Instant time;

    public FatImageWriter(String label, long volumeId, Instant time) {
        this.label = label;
        this.volumeId = volumeId;
        this.time = time;
    }

    /** Adds a file at an absolute path ("/EFI/BOOT/BOOTX64.EFI"), creating directories. */
    public FatImageWriter add(String path, byte[] content) {
        String[] parts = path.replaceAll("^/+", "").split("/");
        Dir d = root;
        for (int i = 0; i < parts.length - 1; i++) {
            Object o = d.children.computeIfAbsent(parts[i], k -> new Dir());
            if (!(o instanceof Dir)) {
                throw new IllegalArgumentException(path + ": " + parts[i] + " is a file");
            }
            d = (Dir) o;
        }
        d.children.put(parts[parts.length - 1], content);
        return this;
    }

    /** Builds the image; its size is the content plus about 10 % and 512 KiB, rounded up to whole MiB. */
    public byte[] build() {
        long dataBytes = dataSize(root);
        long clusters = Math.max(MIN_CLUSTERS, (dataBytes + dataBytes / 10 + 512 * 1024) / SECTOR);
        long totalBytes = (clusters * SECTOR + 1024 * 1024 - 1) / (1024 * 1024) * (1024 * 1024);
        long totalSectors = totalBytes / SECTOR;
        int fatSectors = (int) ((totalSectors / 1 + 2) * 2 / SECTOR + 1);
        int rootSectors = ROOT_ENTRIES * 32 / SECTOR;
        long dataStart = RESERVED + 2L * fatSectors + rootSectors;
        long clusterCount = totalSectors - dataStart;
        if (clusterCount > MAX_CLUSTERS) {
            throw new IllegalArgumentException("the EFI image would be " + totalBytes / (1024 * 1024)
                    + " MiB; an El Torito EFI image holds at most 32 MiB");
        }
        byte[] img = new byte[(int) totalBytes];
        bootSector(img, totalSectors, fatSectors);
        int[] fat = new int[(int) clusterCount + 2];
        fat[0] = 0xFFF8;
        fat[1] = 0xFFFF;
        int[] next = {2};
        ByteArrayOutputStream rootDir = new ByteArrayOutputStream();
        volumeLabelEntry(rootDir);
        layout(root, img, fat, next, dataStart, rootDir, 0);
        byte[] rd = rootDir.toByteArray();
        if (rd.length > ROOT_ENTRIES * 32) {
            throw new IllegalArgumentException("too many entries in the root of the EFI image");
        }
        System.arraycopy(rd, 0, img, (int) ((RESERVED + 2L * fatSectors) * SECTOR), rd.length);
        for (int copy = 0; copy < 2; copy++) {
            int base = (RESERVED + copy * fatSectors) * SECTOR;
            for (int i = 0; i < fat.length; i++) {
                img[base + 2 * i] = (byte) fat[i];
                img[base + 2 * i + 1] = (byte) (fat[i] >>> 8);
            }
        }
        return img;
    }

    private static long dataSize(Dir d) {
        long s = SECTOR * (1 + (d.children.size() * 3 + 2) * 32L / SECTOR);
        for (Object o : d.children.values()) {
            s += o instanceof Dir sub ? dataSize(sub) : ((byte[]) o).length + SECTOR;
        }
        return s;
    }

    /** Writes a directory's children (files and subdirectories) and fills {@code out} with its entries. */
    private void layout(Dir d, byte[] img, int[] fat, int[] next, long dataStart, ByteArrayOutputStream out,
            int selfCluster) {
        List<String> shortNames = new ArrayList<>();
        Map<String, Object> kids = new LinkedHashMap<>(d.children);
        for (Map.Entry<String, Object> e : kids.entrySet()) {
            String name = e.getKey();
            byte[] shortName = shortName(name, shortNames);
            if (e.getValue() instanceof Dir sub) {
                // a directory: its clusters are allocated before its entries are written
                ByteArrayOutputStream entries = new ByteArrayOutputStream();
                int entryBytes = 64 + 32 * sub.children.size() * (1 + (255 + 12) / 13);
                int clusters = Math.max(1, (entryBytes + SECTOR - 1) / SECTOR);
                int first = allocate(fat, next, clusters);
                dotEntries(entries, first, selfCluster);
                layout(sub, img, fat, next, dataStart, entries, first);
                byte[] content = entries.toByteArray();
                System.arraycopy(content, 0, img, (int) ((dataStart + first - 2) * SECTOR), content.length);
                longNameEntries(out, name, shortName);
                entry(out, shortName, 0x10, first, 0);
            } else {
                byte[] content = (byte[]) e.getValue();
                int clusters = (content.length + SECTOR - 1) / SECTOR;
                int first = clusters == 0 ? 0 : allocate(fat, next, clusters);
                if (clusters > 0) {
                    System.arraycopy(content, 0, img, (int) ((dataStart + first - 2) * SECTOR), content.length);
                }
                longNameEntries(out, name, shortName);
                entry(out, shortName, 0x20, first, content.length);
            }
        }
    }

    private static int allocate(int[] fat, int[] next, int clusters) {
        int first = next[0];
        if (first + clusters > fat.length) {
            throw new IllegalStateException("the EFI image ran out of clusters");
        }
        for (int i = 0; i < clusters; i++) {
            fat[first + i] = i == clusters - 1 ? 0xFFFF : first + i + 1;
        }
        next[0] += clusters;
        return first;
    }

    private void dotEntries(ByteArrayOutputStream out, int self, int parent) {
        entry(out, ".          ".getBytes(StandardCharsets.US_ASCII), 0x10, self, 0);
        entry(out, "..         ".getBytes(StandardCharsets.US_ASCII), 0x10, parent, 0);
    }

    private void volumeLabelEntry(ByteArrayOutputStream out) {
        entry(out, paddedLabel(), 0x08, 0, 0);
    }

    private byte[] paddedLabel() {
        byte[] l = new byte[11];
        java.util.Arrays.fill(l, (byte) ' ');
        byte[] src = label.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(src, 0, l, 0, Math.min(11, src.length));
        return l;
    }

    private void entry(ByteArrayOutputStream out, byte[] shortName, int attr, int cluster, long size) {
        byte[] e = new byte[32];
        System.arraycopy(shortName, 0, e, 0, 11);
        e[11] = (byte) attr;
        LocalDateTime t = LocalDateTime.ofInstant(time, ZoneOffset.UTC);
        int date = Math.max(0, t.getYear() - 1980) << 9 | t.getMonthValue() << 5 | t.getDayOfMonth();
        int tm = t.getHour() << 11 | t.getMinute() << 5 | t.getSecond() / 2;
        put16(e, 14, tm);
        put16(e, 16, date);
        put16(e, 18, date);
        put16(e, 22, tm);
        put16(e, 24, date);
        put16(e, 26, cluster);
        put32(e, 28, size);
        out.writeBytes(e);
    }

    /** VFAT long name entries (in reverse order, before the short entry), each holding 13 UCS-2 characters. */
    private static void longNameEntries(ByteArrayOutputStream out, String name, byte[] shortName) {
        int sum = 0;
        for (int i = 0; i < 11; i++) {
            sum = (((sum & 1) << 7) | ((sum & 0xFF) >> 1)) + (shortName[i] & 0xFF);
            sum &= 0xFF;
        }
        char[] chars = name.toCharArray();
        int count = (chars.length + 12) / 13;
        for (int n = count; n >= 1; n--) {
            byte[] e = new byte[32];
            e[0] = (byte) (n | (n == count ? 0x40 : 0));
            e[11] = 0x0F;
            e[13] = (byte) sum;
            int[] offsets = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};
            for (int k = 0; k < 13; k++) {
                int idx = (n - 1) * 13 + k;
                int c = idx < chars.length ? chars[idx] : idx == chars.length ? 0 : 0xFFFF;
                put16(e, offsets[k], c);
            }
            out.writeBytes(e);
        }
    }

    /** A unique 8.3 alias: upper case, invalid characters replaced, "~N" when shortened or taken. */
    private static byte[] shortName(String name, List<String> taken) {
        String upper = name.toUpperCase(Locale.ROOT);
        int dot = upper.lastIndexOf('.');
        String base = (dot > 0 ? upper.substring(0, dot) : upper).replaceAll("[^A-Z0-9_]", "_");
        String ext = (dot > 0 ? upper.substring(dot + 1) : "").replaceAll("[^A-Z0-9_]", "_");
        boolean lossy = base.length() > 8 || ext.length() > 3 || !upper.replace(".", "").matches("[A-Z0-9_]*")
                || !name.equals(upper);
        ext = ext.length() > 3 ? ext.substring(0, 3) : ext;
        String candidate = base.length() > 8 ? base.substring(0, 8) : base;
        if (lossy || taken.contains(candidate + "." + ext)) {
            for (int n = 1;; n++) {
                String suffix = "~" + n;
                candidate = (base.length() > 8 - suffix.length() ? base.substring(0, 8 - suffix.length()) : base)
                        + suffix;
                if (!taken.contains(candidate + "." + ext)) {
                    break;
                }
            }
        }
        taken.add(candidate + "." + ext);
        byte[] out = new byte[11];
        java.util.Arrays.fill(out, (byte) ' ');
        byte[] b = candidate.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, out, 0, b.length);
        byte[] x = ext.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(x, 0, out, 8, x.length);
        return out;
    }

    private void bootSector(byte[] img, long totalSectors, int fatSectors) {
        img[0] = (byte) 0xEB;
        img[1] = 0x3C;
        img[2] = (byte) 0x90;
        System.arraycopy("NIXUSB  ".getBytes(StandardCharsets.US_ASCII), 0, img, 3, 8);
        put16(img, 11, SECTOR);
        img[13] = 1; // sectors per cluster
        put16(img, 14, RESERVED);
        img[16] = 2; // FATs
        put16(img, 17, ROOT_ENTRIES);
        if (totalSectors < 65536) {
            put16(img, 19, (int) totalSectors);
        } else {
            put32(img, 32, totalSectors);
        }
        img[21] = (byte) 0xF8;
        put16(img, 22, fatSectors);
        put16(img, 24, 32);
        put16(img, 26, 64);
        img[36] = (byte) 0x80;
        img[38] = 0x29;
        put32(img, 39, volumeId);
        System.arraycopy(paddedLabel(), 0, img, 43, 11);
        System.arraycopy("FAT16   ".getBytes(StandardCharsets.US_ASCII), 0, img, 54, 8);
        img[510] = 0x55;
        img[511] = (byte) 0xAA;
    }

    private static void put16(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
    }

    private static void put32(byte[] b, int off, long v) {
        put16(b, off, (int) v);
        put16(b, off + 2, (int) (v >>> 16));
    }
}
