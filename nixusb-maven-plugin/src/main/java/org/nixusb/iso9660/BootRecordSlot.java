package org.nixusb.iso9660;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.nixusb.BadInputException;
import org.nixusb.binary.Bytes;
import org.nixusb.iso9660.DirectoryRecord;
import org.nixusb.iso9660.ImageFile;
import org.nixusb.iso9660.IsoDirectory;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.iso9660.VolumeDescriptor;

/**
 * Where a new El Torito boot record goes in a source that has none: the block of a damaged El Torito record
 * (a type 0 descriptor whose version or system identifier is wrong), which it replaces; else the terminator's
 * block, the terminator moving one block on. What uses that block then must move: directories of the ISO 9660
 * tree and the path tables move to the appended area; anything else (file data, a directory of another tree)
 * cannot, and the image is refused.
 *
 * @param lba where the boot record goes
 * @param terminatorTo where the terminator moves, or -1
 * @param moveDirectories directories to move out of the way
 * @param pathTablesMove the primary path tables must move
 * @param supplementaryTables supplementary descriptors whose path tables must move (null for none)
 */
record BootRecordSlot(long lba, long terminatorTo, List<IsoDirectory> moveDirectories, boolean pathTablesMove,
        Map<VolumeDescriptor, long[]> supplementaryTables) {
    private static final int BLOCK = ImageFile.BLOCK;

    /**
     * Finds the slot.
     *
     * @param sameTree the descriptors whose root is the primary tree's (their tables move with the primary's)
     */
    static BootRecordSlot find(IsoVolume volume, List<VolumeDescriptor> sameTree)
            throws IOException, BadInputException {
        VolumeDescriptor damaged = volume.damagedBootRecord();
        if (damaged != null) {
            return new BootRecordSlot(damaged.lba(), -1, List.of(), false, null);
        }
        List<VolumeDescriptor> ds = volume.descriptors();
        VolumeDescriptor term = ds.get(ds.size() - 1);
        long free = term.lba() + 1;
        if ((free + 1) * BLOCK > volume.image().size()) {
            throw new BadInputException(volume.path(), "the image ends right after its volume descriptors",
                    "Check that the file is a complete ISO 9660 image");
        }
        List<IsoDirectory> move = new ArrayList<>();
        for (IsoDirectory d : volume.directories()) {
            if (free >= d.extent() && free < d.extent() + d.blocks()) {
                move.add(d);
            }
        }
        boolean tables = inTables(volume.primary(), free);
        Map<VolumeDescriptor, long[]> supplementary = new LinkedHashMap<>();
        for (VolumeDescriptor d : ds) {
            if (d.type() == VolumeDescriptor.TYPE_SUPPLEMENTARY && !sameTree.contains(d)) {
                if (inTables(d, free)) {
                    supplementary.put(d, new long[0]);
                }
                long root = d.rootRecord().extent();
                if (free == root || directoryExtents(volume, d).contains(free)) {
                    throw new BadInputException(volume.path(), "the image has no El Torito boot record, and the block "
                            + "after its volume descriptors holds a directory of its Joliet tree, so none can be added",
                            "Rebuild the source with an El Torito boot entry (for example genisoimage -b ... -c "
                                    + "boot.cat) and remaster that");
                }
            }
        }
        if (move.isEmpty() && !tables && supplementary.isEmpty() && blockUsed(volume, free)) {
            throw new BadInputException(volume.path(), "the image has no El Torito boot record, and file data lies right "
                    + "after its volume descriptors, so none can be added", "Rebuild the source with an El Torito boot "
                    + "entry (for example genisoimage -b ... -c boot.cat) and remaster that");
        }
        return new BootRecordSlot(term.lba(), free, move, tables, supplementary.isEmpty() ? null : supplementary);
    }

    private static boolean inTables(VolumeDescriptor d, long lba) {
        long blocks = (d.pathTableSize() + BLOCK - 1) / BLOCK;
        for (long t : new long[] {d.lPathTableLba(), d.optionalLPathTableLba(), d.mPathTableLba(),
            d.optionalMPathTableLba()}) {
            if (t != 0 && lba >= t && lba < t + blocks) {
                return true;
            }
        }
        return false;
    }

    /** The first blocks of the directories a descriptor's L path table lists. */
    private static Set<Long> directoryExtents(IsoVolume volume, VolumeDescriptor d) throws IOException {
        Set<Long> out = new HashSet<>();
        long size = d.pathTableSize();
        if (size <= 0 || size > 16 * 1024 * 1024 || (d.lPathTableLba() + 1) * BLOCK > volume.image().size()) {
            return out;
        }
        byte[] t;
        try {
            t = volume.image().read(d.lPathTableLba() * BLOCK, (int) size, "a path table");
        } catch (BadInputException e) {
            return out;
        }
        int p = 0;
        while (p + 8 <= t.length) {
            int len = t[p] & 0xFF;
            if (len == 0) {
                break;
            }
            out.add(Bytes.u32le(t, p + 2));
            p += 8 + len + (len & 1);
        }
        return out;
    }

    /** Whether the primary tree uses the block: its path tables, a directory, or file data. */
    private static boolean blockUsed(IsoVolume volume, long lba) {
        if (inTables(volume.primary(), lba)) {
            return true;
        }
        for (IsoDirectory d : volume.directories()) {
            if (lba >= d.extent() && lba < d.extent() + d.blocks()) {
                return true;
            }
            for (DirectoryRecord r : d.records()) {
                long blocks = (r.dataLength() + BLOCK - 1) / BLOCK;
                if (lba >= r.extent() && lba < r.extent() + blocks) {
                    return true;
                }
            }
        }
        return false;
    }
}
