package org.nixusb.iso9660;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.nixusb.binary.Bytes;
import org.nixusb.iso9660.ImageFile;
import org.nixusb.iso9660.IsoFormatException;
import org.nixusb.iso9660.VolumeDescriptor;

/**
 * Everything in an image that names a block, and everything that occupies blocks: the volume descriptors' roots
 * and path tables, the path tables' rows, the records of every directory tree (the primary, Joliet and any other
 * supplementary tree), their Rock Ridge continuation areas and links, the El Torito catalog and its boot images
 * (and a boot info table inside one). With both lists, a range of blocks can move elsewhere and every pointer into
 * it follow ({@link #pointersInto}).
 */
public final class BlockReferences {
    private static final int BLOCK = ImageFile.BLOCK;

    /** How a pointer is stored: 32-bit little-endian, big-endian, or both (little then big). */
    public enum Encoding {
        LE, BE, BOTH
    }

    /** What a pointer names. */
    public enum Kind {
        /** a descriptor's root record, a directory record of a subdirectory, ".", "..", a path table row */
        DIRECTORY,
        /** a file's data (its size in {@link Pointer#size}) */
        FILE,
        /** a Rock Ridge continuation area (its byte offset stays) */
        CONTINUATION,
        /** a Rock Ridge CL or PL link to a directory */
        LINK,
        /** an El Torito catalog entry's image */
        BOOT_IMAGE,
        /** a path table, the boot catalog, a boot info table's own block */
        OTHER
    }

    /** A 4-byte block number at byte {@code position} of the file. */
    public record Pointer(long position, Encoding encoding, long block, Kind kind, long size) {
        public Pointer(long position, Encoding encoding, long block, Kind kind) {
            this(position, encoding, block, kind, 0);
        }
    }

    /** Bytes that something uses: from {@code start} (a byte position), {@code length} bytes. */
    public record Use(long start, long length, String what) {
        public long firstBlock() {
            return start / BLOCK;
        }

        public long endBlock() {
            return (start + length + BLOCK - 1) / BLOCK;
        }
    }

    public final List<Pointer> pointers = new ArrayList<>();
    public final List<Use> uses = new ArrayList<>();
    /** the primary tree's directories, {extent, size}, root first */
    public final List<long[]> primaryDirectories = new ArrayList<>();
    /** blocks of the volume descriptor set (16 up to the terminator) */
    public long descriptorsEnd;

    private final ImageFile image;

    private BlockReferences(ImageFile image) {
        this.image = image;
    }

    public static BlockReferences scan(ImageFile image) throws IOException, IsoFormatException {
        BlockReferences r = new BlockReferences(image);
        r.scanDescriptors();
        return r;
    }

    /** The pointers whose block lies in [{@code from}, {@code to}). */
    public List<Pointer> pointersInto(long from, long to) {
        return pointers.stream().filter(p -> p.block() >= from && p.block() < to).toList();
    }

    private void scanDescriptors() throws IOException, IsoFormatException {
        Set<Long> roots = new HashSet<>();
        for (long lba = 16; lba < 16 + 64; lba++) {
            byte[] d = image.readBlock(lba, "volume descriptor " + lba);
            int type = Bytes.u8(d, 0);
            if (!Bytes.ascii(d, 1, 5).equals("CD001")) {
                break;
            }
            long at = lba * BLOCK;
            if (type == VolumeDescriptor.TYPE_TERMINATOR) {
                descriptorsEnd = lba + 1;
                break;
            }
            if (type == 0 && Bytes.ascii(d, 7, 23).equals("EL TORITO SPECIFICATION")) {
                long catalog = Bytes.u32le(d, 71);
                pointers.add(new Pointer(at + 71, Encoding.LE, catalog, Kind.OTHER));
                scanCatalog(catalog);
            } else if (type == 1 || type == 2) {
                long tableSize = Bytes.u32le(d, 132);
                int[] tableFields = {140, 144, 148, 152};
                for (int i = 0; i < tableFields.length; i++) {
                    boolean be = i >= 2;
                    long t = be ? Bytes.u32be(d, tableFields[i]) : Bytes.u32le(d, tableFields[i]);
                    if (t == 0) {
                        continue;
                    }
                    pointers.add(new Pointer(at + tableFields[i], be ? Encoding.BE : Encoding.LE, t, Kind.OTHER));
                    uses.add(new Use(t * BLOCK, Math.max(tableSize, 1), "a path table"));
                    scanPathTable(t, tableSize, be);
                }
                long root = Bytes.u32le(d, 158);
                pointers.add(new Pointer(at + 158, Encoding.BOTH, root, Kind.DIRECTORY));
                if (roots.add(root)) {
                    scanTree(root, Bytes.u32le(d, 166), type == 1);
                }
            }
        }
    }

    private void scanPathTable(long lba, long size, boolean be) throws IOException, IsoFormatException {
        if (size <= 0 || size > 64L * 1024 * 1024 || (lba * BLOCK + size) > image.size()) {
            return;
        }
        byte[] t = image.read(lba * BLOCK, (int) size, "a path table");
        int i = 0;
        while (i + 8 <= t.length) {
            int nameLength = Bytes.u8(t, i);
            if (nameLength == 0) {
                break;
            }
            long extent = be ? Bytes.u32be(t, i + 2) : Bytes.u32le(t, i + 2);
            pointers.add(new Pointer(lba * BLOCK + i + 2, be ? Encoding.BE : Encoding.LE, extent, Kind.DIRECTORY));
            i += 8 + nameLength + (nameLength & 1);
        }
    }

    /** Walks one directory tree from its root, each directory once. */
    private void scanTree(long root, long rootSize, boolean primary) throws IOException, IsoFormatException {
        Deque<long[]> todo = new ArrayDeque<>();
        Set<Long> seen = new HashSet<>();
        todo.add(new long[] {root, rootSize});
        int suspSkip = -1;
        while (!todo.isEmpty()) {
            long[] dir = todo.poll();
            if (!seen.add(dir[0]) || dir[1] <= 0 || dir[1] > 256L * 1024 * 1024
                    || dir[0] * BLOCK + dir[1] > image.size()) {
                continue;
            }
            uses.add(new Use(dir[0] * BLOCK, dir[1], "a directory"));
            if (primary) {
                primaryDirectories.add(dir);
            }
            byte[] bytes = image.read(dir[0] * BLOCK, (int) dir[1], "a directory");
            int off = 0;
            while (off < bytes.length) {
                int len = Bytes.u8(bytes, off);
                if (len == 0) {
                    off = (off / BLOCK + 1) * BLOCK;
                    continue;
                }
                if (len < 34 || off + len > bytes.length) {
                    break;
                }
                long at = dir[0] * BLOCK + off;
                long extent = Bytes.u32le(bytes, off + 2);
                long size = Bytes.u32le(bytes, off + 10);
                int flags = Bytes.u8(bytes, off + 25);
                int nameLength = Bytes.u8(bytes, off + 32);
                boolean dot = nameLength == 1 && (bytes[off + 33] == 0 || bytes[off + 33] == 1);
                boolean isDir = (flags & 0x02) != 0;
                pointers.add(new Pointer(at + 2, Encoding.BOTH, extent, isDir ? Kind.DIRECTORY : Kind.FILE, size));
                if (isDir) {
                    if (!dot) {
                        todo.add(new long[] {extent, size});
                    }
                } else if (size > 0) {
                    uses.add(new Use(extent * BLOCK, size, "file data"));
                }
                int su = 33 + nameLength + ((nameLength & 1) == 0 ? 1 : 0);
                if (primary) {
                    if (suspSkip < 0) {
                        // the root's "." record: SUSP's SP entry says how many bytes each later area skips
                        suspSkip = len - su >= 7 && bytes[off + su] == 'S' && bytes[off + su + 1] == 'P'
                                ? Bytes.u8(bytes, off + su + 6) : 0;
                        scanSystemUse(bytes, off + su, off + len, dir[0] * BLOCK, 0);
                    } else {
                        scanSystemUse(bytes, off + su + suspSkip, off + len, dir[0] * BLOCK, 0);
                    }
                }
                off += len;
            }
        }
    }

    /** The SUSP entries of one area: CE (continuation areas), CL and PL (Rock Ridge links to directories). */
    private void scanSystemUse(byte[] b, int from, int to, long base, int depth) throws IOException,
            IsoFormatException {
        int i = from;
        while (i + 4 <= to) {
            int len = Bytes.u8(b, i + 2);
            if (len < 4 || i + len > to) {
                return;
            }
            String sig = Bytes.ascii(b, i, 2);
            if (sig.equals("ST")) {
                return;
            }
            if (len >= 12 && (sig.equals("CL") || sig.equals("PL"))) {
                pointers.add(new Pointer(base + i + 4, Encoding.BOTH, Bytes.u32le(b, i + 4), Kind.LINK));
            } else if (len >= 28 && sig.equals("CE") && depth < 32) {
                long block = Bytes.u32le(b, i + 4);
                long offset = Bytes.u32le(b, i + 12);
                long length = Bytes.u32le(b, i + 20);
                pointers.add(new Pointer(base + i + 4, Encoding.BOTH, block, Kind.CONTINUATION));
                long start = block * BLOCK + offset;
                if (offset < BLOCK && length > 0 && length <= 16L * BLOCK && start + length <= image.size()) {
                    uses.add(new Use(start, length, "a Rock Ridge continuation area"));
                    byte[] area = image.read(start, (int) length, "a Rock Ridge continuation area");
                    scanSystemUse(area, 0, area.length, start, depth + 1);
                }
            }
            i += len;
        }
    }

    private void scanCatalog(long lba) throws IOException, IsoFormatException {
        if ((lba + 1) * BLOCK > image.size()) {
            return;
        }
        byte[] c = image.readBlock(lba, "the boot catalog");
        long at = lba * BLOCK;
        int end = 32;
        // the initial entry at 32, then sections: a header (0x90, 0x91 for the last) and its entries
        List<Integer> entries = new ArrayList<>();
        if (Bytes.u8(c, 0) == 0x01) {
            entries.add(32);
            int i = 64;
            boolean last = false;
            while (!last && i + 32 <= BLOCK) {
                int h = Bytes.u8(c, i);
                if (h != 0x90 && h != 0x91) {
                    break;
                }
                last = h == 0x91;
                int n = Bytes.u16le(c, i + 2);
                i += 32;
                for (int k = 0; k < n && i + 32 <= BLOCK; k++) {
                    int type = Bytes.u8(c, i);
                    if (type == 0x88 || type == 0x00) {
                        entries.add(i);
                    }
                    i += 32;
                    while (i + 32 <= BLOCK && Bytes.u8(c, i) == 0x44) { // extension entries follow their entry
                        i += 32;
                    }
                }
            }
            end = i;
        }
        uses.add(new Use(at, Math.max(end, 64), "the boot catalog"));
        for (int e : entries) {
            if (Bytes.u8(c, e) != 0x88) {
                continue;
            }
            long image0 = Bytes.u32le(c, e + 8);
            int sectors = Bytes.u16le(c, e + 6);
            pointers.add(new Pointer(at + e + 8, Encoding.LE, image0, Kind.BOOT_IMAGE));
            long length = Math.max(sectors, 4) * 512L;
            if (image0 > 0 && (image0 * BLOCK + length) <= this.image.size()) {
                uses.add(new Use(image0 * BLOCK, length, "an El Torito boot image"));
                byte[] head = this.image.read(image0 * BLOCK, 64, "an El Torito boot image");
                // a boot info table (isolinux.bin, GRUB's eltorito.img): bytes 8-11 the primary descriptor's
                // block, 12-15 the image's own
                if (Bytes.u32le(head, 8) == 16 && Bytes.u32le(head, 12) == image0) {
                    pointers.add(new Pointer(image0 * BLOCK + 12, Encoding.LE, image0, Kind.OTHER));
                }
            }
        }
    }
}
