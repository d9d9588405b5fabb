package org.nixusb.fat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.nixusb.binary.Bytes;

/**
 * A read-only FAT12/16/32 file system inside a region of an image file (an El Torito EFI image
 * such as NixOS's {@code /boot/efi.img}), with long file names. Only what is needed to find boot
 * entries, kernels and initrds: directory listing and the on-disk byte ranges of a file.
 */
public final class FatFileSystem {
    /**
     * A directory entry.
     *
     * @param entryPosition where its 32-byte short entry lies in the image file (its size field is at +28)
     */
    public record FatEntry(String name, boolean directory, long firstCluster, long size, long entryPosition) {
    }

    /** Bytes to write at a position of the image file. */
    public record Patch(long position, byte[] bytes) {
    }

    /** A contiguous byte range of the image file. */
    public record Run(long position, long length) {
    }

    private final FileChannel channel;
    private final long base;
    private final long length;
    private final int bytesPerSector;
    private final int sectorsPerCluster;
    private final long fatStart;
    private final long rootDirStart;
    private final int rootEntries;
    private final long dataStart;
    private final long clusterCount;
    private final int fatBits;
    private final long rootCluster;
    private final long fatBytes;
    /** the first FAT, read once when it is small enough (chains are followed in memory) */
    private byte[] fat;
    private static final long MAX_CACHED_FAT = 16L * 1024 * 1024;

    private FatFileSystem(FileChannel channel, long base, long length, byte[] bs) throws IOException {
        this.channel = channel;
        this.base = base;
        this.length = length;
        bytesPerSector = Bytes.u16le(bs, 11);
        sectorsPerCluster = bs[13] & 0xFF;
        int reserved = Bytes.u16le(bs, 14);
        int fats = bs[16] & 0xFF;
        rootEntries = Bytes.u16le(bs, 17);
        long total = Bytes.u16le(bs, 19) != 0 ? Bytes.u16le(bs, 19) : Bytes.u32le(bs, 32);
        long fatSize = Bytes.u16le(bs, 22) != 0 ? Bytes.u16le(bs, 22) : Bytes.u32le(bs, 36);
        if (bytesPerSector < 512 || bytesPerSector > 4096 || Integer.bitCount(bytesPerSector) != 1
                || sectorsPerCluster == 0 || Integer.bitCount(sectorsPerCluster) != 1 || fats == 0 || fatSize == 0
                || (bs[510] & 0xFF) != 0x55 || (bs[511] & 0xFF) != 0xAA) {
            throw new IOException("not a FAT file system (bad boot sector)");
        }
        long rootDirSectors = ((long) rootEntries * 32 + bytesPerSector - 1) / bytesPerSector;
        fatStart = (long) reserved * bytesPerSector;
        fatBytes = fatSize * bytesPerSector;
        rootDirStart = fatStart + fats * fatSize * bytesPerSector;
        dataStart = rootDirStart + rootDirSectors * bytesPerSector;
        clusterCount = (total * bytesPerSector - dataStart) / ((long) bytesPerSector * sectorsPerCluster);
        fatBits = clusterCount < 4085 ? 12 : clusterCount < 65525 ? 16 : 32;
        rootCluster = fatBits == 32 ? Bytes.u32le(bs, 44) : 0;
        if (total * bytesPerSector > length + bytesPerSector) {
            throw new IOException("the FAT file system claims " + total * bytesPerSector
                    + " bytes but its region has only " + length);
        }
    }

    /** Opens the FAT file system stored at {@code [base, base+length)} of the channel. */
    public static FatFileSystem open(FileChannel channel, long base, long length) throws IOException {
        byte[] bs = read(channel, base, 512);
        return new FatFileSystem(channel, base, length, bs);
    }

    /**
     * Opens the FAT file system at {@code base} of a file of {@code fileSize} bytes, as long as its boot sector
     * says and no further than the file's end: an El Torito EFI image, whose catalog count may be too small.
     */
    public static FatFileSystem openWithin(FileChannel channel, long base, long fileSize) throws IOException {
        return open(channel, base, Math.min(declaredSize(channel, base), fileSize - base));
    }

    /** The bytes of its region (for an image opened {@link #openWithin}, what its boot sector declares). */
    public long length() {
        return length;
    }

    public int fatBits() {
        return fatBits;
    }

    /** Total size of the file system in bytes as its boot sector says (for an EFI image of unknown size). */
    public static long declaredSize(FileChannel channel, long base) throws IOException {
        byte[] bs = read(channel, base, 512);
        long total = Bytes.u16le(bs, 19) != 0 ? Bytes.u16le(bs, 19) : Bytes.u32le(bs, 32);
        return total * Bytes.u16le(bs, 11);
    }

    /** Lists a directory ("/" for the root); names compare case-insensitively. Null when absent. */
    public List<FatEntry> list(String path) throws IOException {
        List<FatEntry> dir = listRoot();
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            FatEntry e = findIn(dir, part);
            if (e == null || !e.directory()) {
                return null;
            }
            dir = listCluster(e.firstCluster());
        }
        return dir;
    }

    /** A file and its absolute path. */
    public record FileAt(String path, FatEntry entry) {
    }

    /** Every file of the file system (not directories), depth first in directory order, 16 levels at most. */
    public List<FileAt> files() throws IOException {
        List<FileAt> out = new java.util.ArrayList<>();
        files("/", out, 0);
        return out;
    }

    private void files(String dir, List<FileAt> out, int depth) throws IOException {
        List<FatEntry> entries = list(dir);
        if (entries == null || depth > 16) {
            return;
        }
        for (FatEntry e : entries) {
            if (e.name().equals(".") || e.name().equals("..")) {
                continue;
            }
            String path = (dir.equals("/") ? "" : dir) + "/" + e.name();
            if (e.directory()) {
                files(path, out, depth + 1);
            } else {
                out.add(new FileAt(path, e));
            }
        }
    }

    /** Finds a file or directory by absolute path, case-insensitively. Null when absent. */
    public FatEntry find(String path) throws IOException {
        String p = path.replaceAll("/+$", "");
        int slash = p.lastIndexOf('/');
        List<FatEntry> dir = list(slash <= 0 ? "/" : p.substring(0, slash));
        return dir == null ? null : findIn(dir, p.substring(slash + 1));
    }

    private static FatEntry findIn(List<FatEntry> dir, String name) {
        for (FatEntry e : dir) {
            if (e.name().equalsIgnoreCase(name)) {
                return e;
            }
        }
        return null;
    }

    /** The byte ranges of the image file holding the file's content, in order. */
    public List<Run> runs(FatEntry file) throws IOException {
        List<Run> runs = new ArrayList<>();
        long remaining = file.size();
        long clusterBytes = (long) bytesPerSector * sectorsPerCluster;
        long c = file.firstCluster();
        int guard = 0;
        while (remaining > 0) {
            if (c < 2 || c >= clusterCount + 2 || guard++ > clusterCount) {
                throw new IOException("the FAT cluster chain of " + file.name() + " is damaged");
            }
            long pos = base + dataStart + (c - 2) * clusterBytes;
            long len = Math.min(remaining, clusterBytes);
            if (!runs.isEmpty() && runs.get(runs.size() - 1).position() + runs.get(runs.size() - 1).length() == pos) {
                Run last = runs.remove(runs.size() - 1);
                runs.add(new Run(last.position(), last.length() + len));
            } else {
                runs.add(new Run(pos, len));
            }
            remaining -= len;
            c = next(c);
        }
        return runs;
    }

    /**
     * The writes that give {@code file} the content {@code content} in place: into the clusters it already has
     * (its chain, the FAT and every other file stay as they are), with its size field updated and the rest of the
     * last cluster zeroed. Null when the content needs more clusters than the file has.
     */
    public List<Patch> rewriteInPlace(FatEntry file, byte[] content) throws IOException {
        if (file.directory() || file.entryPosition() < 0 || file.firstCluster() < 2) {
            return null;
        }
        long clusterBytes = (long) bytesPerSector * sectorsPerCluster;
        List<Long> chain = new ArrayList<>();
        long c = file.firstCluster();
        while (c >= 2 && c < clusterCount + 2) {
            if (chain.size() > clusterCount) {
                throw new IOException("the FAT cluster chain of " + file.name() + " is damaged");
            }
            chain.add(c);
            c = next(c);
        }
        if (content.length > chain.size() * clusterBytes) {
            return null;
        }
        List<Patch> out = new ArrayList<>();
        long written = 0;
        long clear = Math.max(content.length, Math.min(file.size(), chain.size() * clusterBytes));
        long end = (clear + clusterBytes - 1) / clusterBytes * clusterBytes;
        for (int i = 0; written < end && i < chain.size(); i++) {
            byte[] block = new byte[(int) clusterBytes];
            int n = (int) Math.max(0, Math.min(clusterBytes, content.length - written));
            System.arraycopy(content, (int) written, block, 0, n);
            out.add(new Patch(base + dataStart + (chain.get(i) - 2) * clusterBytes, block));
            written += clusterBytes;
        }
        byte[] size = {(byte) content.length, (byte) (content.length >> 8), (byte) (content.length >> 16),
            (byte) (content.length >>> 24)};
        out.add(new Patch(file.entryPosition() + 28, size));
        return out;
    }

    /**
     * The first {@code limit} bytes of {@code file} (all of it when shorter), reading only the clusters they are in:
     * a header (a PE program's, a kernel's) without the rest of a file that may be megabytes.
     */
    public byte[] readHead(FatEntry file, int limit) throws IOException {
        int n = (int) Math.min(limit, file.size());
        ByteBuffer out = ByteBuffer.allocate(n);
        long clusterBytes = (long) bytesPerSector * sectorsPerCluster;
        long c = file.firstCluster();
        int guard = 0;
        while (out.hasRemaining()) {
            if (c < 2 || c >= clusterCount + 2 || guard++ > clusterCount) {
                throw new IOException("the FAT cluster chain of " + file.name() + " is damaged");
            }
            int len = (int) Math.min(out.remaining(), clusterBytes);
            out.put(read(channel, base + dataStart + (c - 2) * clusterBytes, len));
            if (out.hasRemaining()) {
                c = next(c);
            }
        }
        return out.array();
    }

    public byte[] readAll(FatEntry file) throws IOException {
        if (file.size() > 64L * 1024 * 1024) {
            throw new IOException(file.name() + " is too large to read into memory");
        }
        ByteBuffer out = ByteBuffer.allocate((int) file.size());
        for (Run r : runs(file)) {
            out.put(read(channel, r.position(), (int) r.length()));
        }
        return out.array();
    }

    private List<FatEntry> listRoot() throws IOException {
        if (fatBits == 32) {
            return listCluster(rootCluster);
        }
        long start = base + rootDirStart;
        return parseEntries(read(channel, start, rootEntries * 32), p -> start + p);
    }

    private List<FatEntry> listCluster(long first) throws IOException {
        long clusterBytes = (long) bytesPerSector * sectorsPerCluster;
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        List<Long> starts = new ArrayList<>();
        long c = first;
        int guard = 0;
        while (c >= 2 && c < clusterCount + 2) {
            // FAT allows 65536 entries of 32 bytes in a directory: a longer chain is a loop or damage
            if (guard++ > clusterCount || all.size() >= 65536 * 32) {
                throw new IOException("a FAT directory chain is too long (a loop?)");
            }
            long start = base + dataStart + (c - 2) * clusterBytes;
            starts.add(start);
            all.write(read(channel, start, (int) clusterBytes));
            c = next(c);
        }
        return parseEntries(all.toByteArray(), p -> starts.get((int) (p / clusterBytes)) + p % clusterBytes);
    }

    private long next(long cluster) throws IOException {
        if (fat == null && fatBytes <= MAX_CACHED_FAT && fatStart + fatBytes <= length) {
            fat = read(channel, base + fatStart, (int) fatBytes);
        }
        if (fat != null) {
            long off = fatBits == 12 ? cluster + cluster / 2 : cluster * (fatBits / 8);
            if (off < 0 || off + (fatBits == 12 ? 2 : fatBits / 8) > fat.length) {
                throw new IOException("a FAT cluster chain leaves the FAT (cluster " + cluster + ")");
            }
            int o = (int) off;
            switch (fatBits) {
                case 12: {
                    int v = Bytes.u16le(fat, o);
                    v = (cluster & 1) == 0 ? v & 0xFFF : v >> 4;
                    return v >= 0xFF8 ? -1 : v;
                }
                case 16: {
                    int v = Bytes.u16le(fat, o);
                    return v >= 0xFFF8 ? -1 : v;
                }
                default: {
                    long v = Bytes.u32le(fat, o) & 0x0FFFFFFFL;
                    return v >= 0x0FFFFFF8L ? -1 : v;
                }
            }
        }
        switch (fatBits) {
            case 12: {
                long off = cluster + cluster / 2;
                byte[] b = read(channel, base + fatStart + off, 2);
                int v = Bytes.u16le(b, 0);
                v = (cluster & 1) == 0 ? v & 0xFFF : v >> 4;
                return v >= 0xFF8 ? -1 : v;
            }
            case 16: {
                int v = Bytes.u16le(read(channel, base + fatStart + cluster * 2, 2), 0);
                return v >= 0xFFF8 ? -1 : v;
            }
            default: {
                long v = Bytes.u32le(read(channel, base + fatStart + cluster * 4, 4), 0) & 0x0FFFFFFFL;
                return v >= 0x0FFFFFF8L ? -1 : v;
            }
        }
    }

    private List<FatEntry> parseEntries(byte[] d, java.util.function.LongUnaryOperator position) {
        List<FatEntry> out = new ArrayList<>();
        StringBuilder lfn = new StringBuilder();
        for (int p = 0; p + 32 <= d.length; p += 32) {
            int first = d[p] & 0xFF;
            if (first == 0) {
                break;
            }
            if (first == 0xE5) {
                lfn.setLength(0);
                continue;
            }
            int attr = d[p + 11] & 0xFF;
            if (attr == 0x0F) {
                StringBuilder part = new StringBuilder();
                appendUcs2(part, d, p + 1, 5);
                appendUcs2(part, d, p + 14, 6);
                appendUcs2(part, d, p + 28, 2);
                lfn.insert(0, part);
                continue;
            }
            if ((attr & 0x08) != 0) { // volume label
                lfn.setLength(0);
                continue;
            }
            String name;
            if (lfn.length() > 0) {
                name = lfn.toString();
            } else {
                String base8 = new String(d, p, 8, StandardCharsets.ISO_8859_1).strip();
                String ext = new String(d, p + 8, 3, StandardCharsets.ISO_8859_1).strip();
                if ((d[p + 12] & 0x08) != 0) {
                    base8 = base8.toLowerCase();
                }
                if ((d[p + 12] & 0x10) != 0) {
                    ext = ext.toLowerCase();
                }
                name = ext.isEmpty() ? base8 : base8 + "." + ext;
            }
            lfn.setLength(0);
            if (name.equals(".") || name.equals("..")) {
                continue;
            }
            long cluster = (long) Bytes.u16le(d, p + 20) << 16 | Bytes.u16le(d, p + 26);
            out.add(new FatEntry(name, (attr & 0x10) != 0, cluster, Bytes.u32le(d, p + 28), position.applyAsLong(p)));
        }
        return out;
    }

    private static void appendUcs2(StringBuilder sb, byte[] d, int off, int chars) {
        for (int i = 0; i < chars; i++) {
            int c = Bytes.u16le(d, off + 2 * i);
            if (c == 0 || c == 0xFFFF) {
                return;
            }
            sb.append((char) c);
        }
    }

    private static byte[] read(FileChannel ch, long pos, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len);
        long p = pos;
        while (b.hasRemaining()) {
            int n = ch.read(b, p);
            if (n < 0) {
                throw new IOException("the FAT file system extends beyond the end of the image");
            }
            p += n;
        }
        return b.array();
    }
}
