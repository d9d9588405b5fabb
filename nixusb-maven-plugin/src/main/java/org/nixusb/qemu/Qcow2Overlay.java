package org.nixusb.qemu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A throw-away qcow2 (version 2) overlay over a raw image, written without qemu-img: the disk a boot
 * sees is {@code virtualSize} bytes, the image at its start (as after writing it to a bigger stick), the
 * rest zeros, and some byte ranges masked with zeros (the El Torito catalog, so that UEFI firmware finds
 * the loader only through the partition table). The image itself is only read: QEMU opens it as the
 * overlay's read-only backing file.
 *
 * <p>Layout, in 64 KiB clusters: 0 the header, the backing format extension and the backing file's name;
 * 1 the refcount table; 2 the refcount block; 3 the L1 table; then one L2 table per 512 MiB that holds a
 * masked range, then a data cluster per masked cluster (the image's bytes with the range zeroed).
 */
public final class Qcow2Overlay {
    private static final int CLUSTER_BITS = 16;
    private static final int CLUSTER = 1 << CLUSTER_BITS;
    private static final long L2_ENTRIES = CLUSTER / 8;
    private static final long COPIED = 1L << 63;
    private static final int BACKING_FORMAT_EXTENSION = 0xE2792ACA;
    /** The L1 table fills at most one cluster: 8192 entries of 512 MiB, 4 TiB. */
    public static final long MAX_SIZE = (CLUSTER / 8) * L2_ENTRIES * CLUSTER;

    private Qcow2Overlay() {
    }

    /**
     * Writes the overlay.
     *
     * @param image the raw image (its absolute path goes into the overlay)
     * @param overlay the file to write (replaced)
     * @param virtualSize the disk size, at least the image's, at most {@link #MAX_SIZE}; rounded up to whole
     *        512-byte sectors (so an image whose size is not whole sectors keeps its last bytes)
     * @param masked byte ranges {@code {position, length}} inside the image that read as zeros
     */
    public static void write(Path image, Path overlay, long virtualSize, List<long[]> masked) throws IOException {
        long imageSize = sizeOf(image);
        virtualSize = (virtualSize + 511) / 512 * 512;
        if (virtualSize < imageSize || virtualSize > MAX_SIZE) {
            throw new IllegalArgumentException("an overlay of " + virtualSize + " bytes cannot hold an image of "
                    + imageSize + " bytes (at most " + MAX_SIZE + ")");
        }
        byte[] backing = image.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8);
        if (backing.length > 1023) {
            throw new IllegalArgumentException("the image path is too long for a qcow2 backing file name");
        }
        // the clusters that hold a masked byte, each with its data
        TreeMap<Long, byte[]> data = maskedClusters(image, imageSize, masked);
        long l1Size = (virtualSize + L2_ENTRIES * CLUSTER - 1) / (L2_ENTRIES * CLUSTER);
        TreeMap<Long, Long> l2Clusters = new TreeMap<>(); // L1 index -> cluster number of its L2 table
        long next = 4;
        for (long c : data.keySet()) {
            long l1 = c / L2_ENTRIES;
            if (!l2Clusters.containsKey(l1)) {
                l2Clusters.put(l1, next++);
            }
        }
        TreeMap<Long, Long> dataClusters = new TreeMap<>();
        for (long c : data.keySet()) {
            dataClusters.put(c, next++);
        }
        long clusters = next;
        if (clusters > CLUSTER / 2) {
            throw new IllegalArgumentException("too many masked clusters for one refcount block");
        }

        ByteBuffer header = header(backing, virtualSize, l1Size);
        ByteBuffer refTable = ByteBuffer.allocate(CLUSTER);
        refTable.putLong(2L * CLUSTER);
        ByteBuffer refBlock = ByteBuffer.allocate(CLUSTER);
        for (long c = 0; c < clusters; c++) {
            refBlock.putShort((short) 1);
        }
        ByteBuffer l1Table = ByteBuffer.allocate(CLUSTER);
        for (var e : l2Clusters.entrySet()) {
            l1Table.putLong((int) (e.getKey() * 8), (e.getValue() * CLUSTER) | COPIED);
        }
        List<ByteBuffer> l2Tables = new ArrayList<>();
        for (var e : l2Clusters.entrySet()) {
            ByteBuffer l2 = ByteBuffer.allocate(CLUSTER);
            for (var d : dataClusters.entrySet()) {
                if (d.getKey() / L2_ENTRIES == e.getKey()) {
                    l2.putLong((int) ((d.getKey() % L2_ENTRIES) * 8), (d.getValue() * CLUSTER) | COPIED);
                }
            }
            l2Tables.add(l2);
        }
        try (FileChannel out = FileChannel.open(overlay, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeAt(out, header, 0);
            writeAt(out, refTable, 1);
            writeAt(out, refBlock, 2);
            writeAt(out, l1Table, 3);
            long at = 4;
            for (ByteBuffer l2 : l2Tables) {
                writeAt(out, l2, at++);
            }
            for (byte[] d : data.values()) {
                writeAt(out, ByteBuffer.wrap(d), at++);
            }
        }
    }

    /** The image's clusters that hold a masked byte, read, with the masked bytes zeroed. */
    private static TreeMap<Long, byte[]> maskedClusters(Path image, long imageSize, List<long[]> masked)
            throws IOException {
        TreeMap<Long, byte[]> data = new TreeMap<>();
        try (FileChannel in = FileChannel.open(image, StandardOpenOption.READ)) {
            for (long[] m : masked) {
                if (m[0] < 0 || m[1] < 0 || m[0] + m[1] > imageSize) {
                    throw new IllegalArgumentException("masked range " + m[0] + "+" + m[1] + " is outside the image");
                }
                for (long c = m[0] / CLUSTER; m[1] > 0 && c <= (m[0] + m[1] - 1) / CLUSTER; c++) {
                    byte[] cluster = data.get(c);
                    if (cluster == null) {
                        cluster = new byte[CLUSTER];
                        ByteBuffer b = ByteBuffer.wrap(cluster);
                        long at = c * CLUSTER;
                        while (b.hasRemaining() && at + b.position() < imageSize) {
                            if (in.read(b, at + b.position()) < 0) {
                                break;
                            }
                        }
                        data.put(c, cluster);
                    }
                    long from = Math.max(m[0], c * CLUSTER) - c * CLUSTER;
                    long to = Math.min(m[0] + m[1], (c + 1) * CLUSTER) - c * CLUSTER;
                    java.util.Arrays.fill(cluster, (int) from, (int) to, (byte) 0);
                }
            }
        }
        return data;
    }

    /** The header cluster: version 2, the backing file (raw, by its format extension), one L1 cluster. */
    private static ByteBuffer header(byte[] backing, long virtualSize, long l1Size) {
        ByteBuffer header = ByteBuffer.allocate(CLUSTER);
        header.putInt(0x514649FB).putInt(2);
        int extensionsEnd = 72 + 8 + 8 + 8; // the backing format extension ("raw", padded) and the end marker
        header.putLong(extensionsEnd).putInt(backing.length);
        header.putInt(CLUSTER_BITS).putLong(virtualSize).putInt(0);
        header.putInt((int) l1Size).putLong(3L * CLUSTER);
        header.putLong(1L * CLUSTER).putInt(1);
        header.putInt(0).putLong(0);
        header.putInt(BACKING_FORMAT_EXTENSION).putInt(3).put("raw".getBytes(StandardCharsets.US_ASCII))
                .put(new byte[5]);
        header.putInt(0).putInt(0);
        header.put(backing);

        return header;
    }

    /** The size of a file or a block device (whose file size is 0: the channel asks the device). */
    public static long sizeOf(Path image) throws IOException {
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
            return ch.size();
        }
    }

    private static void writeAt(FileChannel out, ByteBuffer b, long cluster) throws IOException {
        b.clear();
        long pos = cluster * CLUSTER;
        while (b.hasRemaining()) {
            pos += out.write(b, pos);
        }
    }
}
