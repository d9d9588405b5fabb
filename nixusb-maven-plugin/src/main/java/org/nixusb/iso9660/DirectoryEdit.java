package org.nixusb.iso9660;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.nixusb.iso9660.DirectoryRecord;
import org.nixusb.iso9660.ImageFile;
import org.nixusb.iso9660.IsoDirectory;
import org.nixusb.iso9660.IsoNames;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.iso9660.PathTable;
import org.nixusb.iso9660.RockRidgeEdit;
import org.nixusb.iso9660.SystemUse;
import org.nixusb.iso9660.VolumeDescriptor;

/**
 * A physical directory of the output: one of the source's ({@code source != null}), whose records an edit may
 * change, or a new one. Knows its records in ISO 9660 order, how many blocks they take laid out (a record
 * never crosses a block), and where the directory finally goes.
 */
final class DirectoryEdit {
    private static final int BLOCK = ImageFile.BLOCK;

    final IsoDirectory source;
    final DirectoryEdit parent;
    /** the name asked for a new directory */
    String name;
    /** the name readers show for a new directory */
    String shown;
    final List<DirectoryRecord> records = new ArrayList<>();
    final List<DirectoryEdit> newSubdirs = new ArrayList<>();
    final Map<DirectoryRecord, DirectoryEdit> newSubdirRecords = new IdentityHashMap<>();
    boolean rewrite;
    /** moved to the appended area even if it fits: its first block is needed for the boot record */
    boolean forceMove;
    long lba;
    long size;

    DirectoryEdit(IsoDirectory source, DirectoryEdit parent) {
        this.source = source;
        this.parent = parent;
    }

    /** The plan of a source directory (and of its parents), made once. */
    static DirectoryEdit of(IsoDirectory dir, Map<IsoDirectory, DirectoryEdit> plans) {
        DirectoryEdit p = plans.get(dir);
        if (p == null) {
            DirectoryEdit parent = dir.parent() == null ? null : of(dir.parent(), plans);
            p = new DirectoryEdit(dir, parent);
            p.records.addAll(dir.records());
            plans.put(dir, p);
        }
        return p;
    }

    /** Inserts a record in ISO 9660 order (after "." and ".."); the directory is then rewritten. */
    void insert(DirectoryRecord r) {
        rewrite = true;
        int i = 2;
        while (i < records.size() && IsoNames.ORDER.compare(records.get(i).identifier(), r.identifier()) <= 0) {
            i++;
        }
        records.add(i, r);
    }

    /** Where each record goes in the directory's bytes: in order, none crossing a block boundary. */
    private int[] offsets() {
        int[] at = new int[records.size()];
        int block = 0;
        int used = 0;
        for (int i = 0; i < at.length; i++) {
            int length = records.get(i).length();
            if (used + length > BLOCK) {
                block++;
                used = 0;
            }
            at[i] = block * BLOCK + used;
            used += length;
        }
        return at;
    }

    /** Blocks the records take. */
    long layoutBlocks() {
        int[] at = offsets();
        return at.length == 0 ? 1 : at[at.length - 1] / BLOCK + 1;
    }

    /** The directory's bytes ({@link #size} of them), laid out as {@link #offsets} places the records. */
    byte[] encode() {
        byte[] out = new byte[(int) size];
        int[] at = offsets();
        for (int i = 0; i < at.length; i++) {
            DirectoryRecord r = records.get(i);
            System.arraycopy(r.bytes(), 0, out, at[i], r.length());
        }
        return out;
    }

    /**
     * Points every reference at this directory's final place: its "." and ".." (when new or moved), the records
     * of its new subdirectories, and for a moved directory its record in the parent (for the root, the root
     * records of {@code sameTree}), its subdirectories' "..", and Rock Ridge CL and PL links to its old place.
     *
     * @return {position, block} patches for Rock Ridge links in records that are not rewritten (may be empty)
     */
    List<long[]> pointReferences(IsoVolume volume, List<VolumeDescriptor> sameTree) {
        boolean moved = source != null && lba != source.extent();
        if (source == null || moved) {
            records.get(0).setExtent(lba, size);
            if (parent == null) {
                records.get(1).setExtent(lba, size);
            } else {
                records.get(1).setExtent(parent.lba, parent.size);
            }
        }
        for (Map.Entry<DirectoryRecord, DirectoryEdit> e : newSubdirRecords.entrySet()) {
            e.getKey().setExtent(e.getValue().lba, e.getValue().size);
        }
        if (!moved) {
            return List.of();
        }
        long old = source.extent();
        if (parent == null) {
            // the primary and any descriptor sharing its tree (the ISO 9660:1999 enhanced descriptor)
            for (VolumeDescriptor d : sameTree) {
                d.setRootExtent(lba, size);
            }
        } else {
            source.recordInParent().setExtent(lba, size);
        }
        for (IsoDirectory child : source.subdirectories()) {
            child.parentRecord().setExtent(lba, size);
        }
        List<long[]> patches = new ArrayList<>();
        for (IsoDirectory d : volume.directories()) {
            for (int i = 0; i < d.records().size(); i++) {
                SystemUse su = d.systemUse().get(i);
                if (su.childLink() == old) {
                    addPatch(patches, RockRidgeEdit.setLinkTarget(d.records().get(i), su.childLinkLocation(), lba));
                }
                if (su.parentLink() == old) {
                    addPatch(patches, RockRidgeEdit.setLinkTarget(d.records().get(i), su.parentLinkLocation(), lba));
                }
            }
        }
        return patches;
    }

    private static void addPatch(List<long[]> patches, long[] patch) {
        if (patch != null) {
            patches.add(patch);
        }
    }

    /** Every plan: breadth first from the root, then any the walk did not reach. */
    static List<DirectoryEdit> all(DirectoryEdit root, Map<IsoDirectory, DirectoryEdit> plans) {
        List<DirectoryEdit> out = new ArrayList<>();
        ArrayDeque<DirectoryEdit> queue = new ArrayDeque<>();
        queue.add(root);
        Set<DirectoryEdit> seen = new HashSet<>();
        while (!queue.isEmpty()) {
            DirectoryEdit p = queue.poll();
            if (!seen.add(p)) {
                continue;
            }
            out.add(p);
            queue.addAll(p.newSubdirs);
            if (p.source != null) {
                for (IsoDirectory c : p.source.subdirectories()) {
                    DirectoryEdit cp = plans.get(c);
                    if (cp != null) {
                        queue.add(cp);
                    }
                }
            }
        }
        for (DirectoryEdit p : plans.values()) {
            if (seen.add(p)) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * Rows of the path table after the edit: breadth first over the physical hierarchy, children in record
     * order, each directory at its final place (planned directories) or its source place (the rest).
     */
    static List<PathTable.Row> pathTableRows(DirectoryEdit root, Map<IsoDirectory, DirectoryEdit> plans) {
        record Item(IsoDirectory source, DirectoryEdit plan, byte[] identifier, int parentNumber) {
        }
        List<PathTable.Row> rows = new ArrayList<>();
        ArrayDeque<Item> queue = new ArrayDeque<>();
        queue.add(new Item(null, root, new byte[] {0}, 1));
        while (!queue.isEmpty()) {
            Item item = queue.poll();
            DirectoryEdit p = item.plan() != null ? item.plan() : plans.get(item.source());
            IsoDirectory src = item.source() != null ? item.source() : p.source;
            long lba = p != null ? p.lba : src.extent();
            rows.add(new PathTable.Row(item.identifier(), lba, item.parentNumber()));
            int number = rows.size();
            List<DirectoryRecord> recs = p != null ? p.records : src.records();
            for (DirectoryRecord r : recs) {
                if (r.isSelf() || r.isParent() || !r.isDirectory()) {
                    continue;
                }
                if (p != null && p.newSubdirRecords.containsKey(r)) {
                    queue.add(new Item(null, p.newSubdirRecords.get(r), r.identifier(), number));
                } else if (src != null) {
                    for (IsoDirectory c : src.subdirectories()) {
                        if (c.recordInParent() == r) {
                            DirectoryEdit cp = plans.get(c);
                            queue.add(cp != null ? new Item(null, cp, r.identifier(), number)
                                    : new Item(c, null, r.identifier(), number));
                            break;
                        }
                    }
                }
            }
        }
        return rows;
    }
}
