package org.nixusb.iso9660;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nixusb.BadInputException;
import org.nixusb.binary.Bytes;
import org.nixusb.eltorito.BootCatalog;
import org.nixusb.eltorito.BootInfoTable;
import org.nixusb.eltorito.BootRecord;
import org.nixusb.eltorito.CatalogEntry;
import org.nixusb.iso9660.DirectoryRecord;
import org.nixusb.iso9660.ImageFile;
import org.nixusb.iso9660.IsoDirectory;
import org.nixusb.iso9660.IsoEntry;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.iso9660.PathTable;
import org.nixusb.iso9660.SystemUse;
import org.nixusb.iso9660.VolumeDescriptor;
import org.nixusb.output.FileContent;
import org.nixusb.output.ImageDelta;

/**
 * The minimal-diff remaster: the output starts as a byte copy of the source; only the directories
 * that gain entries, the records that change, the path tables, the volume descriptors and the boot
 * catalog are rewritten; new file data and relocated metadata go after the source's last block.
 * Every other byte of the source stays where it was.
 */
public final class ImageEdit {
    private static final int BLOCK = ImageFile.BLOCK;

    /** A file to add or replace. */
    record Addition(String path, FileContent content, int mode, Instant mtime, String symlink,
            boolean directory, long placedLba) {
        Addition(String path, FileContent content, int mode, Instant mtime, String symlink, boolean directory) {
            this(path, content, mode, mtime, symlink, directory, -1);
        }
    }

    private final IsoVolume volume;
    private final List<Addition> additions = new ArrayList<>();
    private String biosBootFile;
    private String efiBootFile;
    private BootCatalog catalogTemplate;
    private Instant directoryTime;
    private List<VolumeDescriptor> sameTree;
    private final Map<String, String> shownPaths = new HashMap<>();
    private long appendFrom = -1;
    /** where {@link #write} put each added file's data (block), by its path */
    private final Map<String, Long> placedData = new HashMap<>();
    private final Map<IsoEntry, FileContent> replacedFiles = new LinkedHashMap<>();

    public ImageEdit(IsoVolume volume) {
        this.volume = volume;
    }

    /**
     * Adds a file at an absolute path, creating missing directories (mode 0555), or replaces an
     * existing file's data.
     */
    public void addFile(String path, FileContent content, int mode, Instant mtime) {
        additions.add(new Addition(path, content, mode, mtime, null, false));
        if (directoryTime == null) {
            directoryTime = mtime;
        }
    }

    /** Whether this edit already adds something at {@code path} (names compared without case, as FAT and plain ISO 9660 do). */
    public boolean adds(String path) {
        for (Addition a : additions) {
            if (a.path().equalsIgnoreCase(path)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Adds (or replaces) a file whose data the image already holds at block {@code lba}: a second session
     * of the same image ({@link #replayInto}) names the data the first one added.
     */
    public void addPlacedFile(String path, long lba, long size, int mode, Instant mtime) {
        FileContent placed = new FileContent() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public void writeTo(java.nio.channels.FileChannel out, long position) {
                throw new IllegalStateException(path + " is already in the image");
            }

            @Override
            public byte[] readAll() {
                throw new IllegalStateException(path + " is already in the image");
            }

            @Override
            public void read(long offset, java.nio.ByteBuffer dst) {
                throw new IllegalStateException(path + " is already in the image");
            }
        };
        additions.add(new Addition(path, placed, mode, mtime, null, false, size == 0 ? 0 : lba));
        if (directoryTime == null) {
            directoryTime = mtime;
        }
    }

    /**
     * Appends new data from block {@code block} on instead of the end of the file: over an area the caller
     * moves away (an appended partition) or frees. It must not lie inside anything the tree uses.
     */
    public void appendFrom(long block) {
        this.appendFrom = block;
    }

    /**
     * Repeats this edit's additions, after {@link #write}, in another session of the same image whose
     * block 0 is block {@code sessionStart} of this one: the same paths, modes and times, naming the data
     * this edit placed instead of adding it again.
     */
    public void replayInto(ImageEdit other, long sessionStart) {
        for (Addition a : additions) {
            if (a.directory()) {
                other.addDirectory(a.path(), a.mode(), a.mtime());
            } else if (a.symlink() != null) {
                other.addSymlink(a.path(), a.symlink(), a.mtime());
            } else {
                Long lba = placedData.get(a.path());
                if (lba == null) {
                    throw new IllegalStateException("replayInto before write: " + a.path() + " has no place");
                }
                other.addPlacedFile(a.path(), lba == 0 ? 0 : lba - sessionStart, a.content().size(), a.mode(),
                        a.mtime());
            }
        }
    }

    /** The source's files whose data {@link #write} replaced, with their new content. */
    public Map<IsoEntry, FileContent> replacedFiles() {
        return replacedFiles;
    }

    /** Adds a symbolic link (Rock Ridge SL), or replaces a file by one. */
    public void addSymlink(String path, String target, Instant mtime) {
        additions.add(new Addition(path, FileContent.of(new byte[0]), SystemUse.S_IFLNK | 0777, mtime, target, false));
    }

    /** Adds a directory with the given mode; an existing directory is kept as it is. */
    public void addDirectory(String path, int mode, Instant mtime) {
        additions.add(new Addition(path, null, mode, mtime, null, true));
    }

    /**
     * Makes {@code path} (an added file) the El Torito BIOS boot image (no emulation, load size 4, boot
     * info table written into the image's copy), keeping the other sections of {@code catalog}.
     */
    public void setBiosBoot(String path, BootCatalog catalog) {
        this.biosBootFile = path;
        this.catalogTemplate = catalog;
    }

    /** Adds {@code path} (an added file, a FAT image) to the catalog as a UEFI no-emulation entry. */
    public void setEfiBoot(String path) {
        this.efiBootFile = path;
    }

    /** What {@link #write} did. */
    public record Result(long volumeBlocks, long bootFileLba, long catalogLba, int directoriesRewritten,
            int directoriesMoved, long bytesAppended, long efiImageLba, long efiImageSize) {
    }

    /**
     * Plans the edited image as writes over a byte copy of the source, into {@code out}: first where every
     * added or moved thing goes (after the source's last block, or {@link #appendFrom}), then the writes.
     *
     * @return where things went
     */
    public Result write(ImageDelta out) throws IOException, BadInputException {
        sameTree();
        long sourceBlocks = appendFrom >= 0 ? appendFrom : volume.image().blocks();
        Pass pass = new Pass(sourceBlocks);
        pass.placeAdditions();
        pass.allocateData();
        pass.findBootRecordSlot();
        pass.layOutDirectories();
        pass.pointReferences();
        pass.allocateCatalogAndPathTables();
        pass.writeData(out);
        pass.writeDirectories(out);
        pass.writePathTables(out);
        pass.writeCatalog(out);
        pass.moveSupplementaryPathTables(out);
        long volumeBlocks = pass.next;
        pass.writeDescriptors(out, volumeBlocks);
        long end = volumeBlocks * BLOCK;
        out.extendTo(end);
        return new Result(volumeBlocks, pass.bootLba, pass.catalogLba, pass.rewritten, pass.moved,
                Math.max(0, end - sourceBlocks * (long) BLOCK), pass.efiLba, pass.efiSize);
    }

    /** One {@link #write}: the places decided, in order, then the writes that put things there. */
    private final class Pass {
        /** the next free block of the appended area */
        long next;
        TreePlacement tree;
        List<Map.Entry<DirectoryRecord, Addition>> data;
        final Map<DirectoryRecord, Long> dataLba = new IdentityHashMap<>();
        long bootLba = -1;
        long efiLba = -1;
        long efiSize;
        BootRecordSlot bootRecordSlot;
        List<DirectoryEdit> directories;
        int moved;
        int rewritten;
        final List<long[]> referencePatches = new ArrayList<>();
        long catalogLba = -1;
        byte[] lTable;
        byte[] mTable;
        long pathTableL = -1;
        long pathTableM = -1;

        Pass(long sourceBlocks) {
            this.next = sourceBlocks;
        }

        private long take(long bytes) {
            long at = next;
            next += (bytes + BLOCK - 1) / BLOCK;
            return at;
        }

        /** Each addition gets its records in the tree, with placeholder extents. */
        void placeAdditions() throws BadInputException {
            tree = new TreePlacement(volume, shownPaths, replacedFiles);
            for (Addition a : additions) {
                tree.place(a);
            }
        }

        /** File data: the boot file first, so it sits as early as the appended area allows. */
        void allocateData() {
            data = new ArrayList<>(tree.newData.entrySet());
            data.addAll(tree.replacedData.entrySet());
            data.sort((x, y) -> Boolean.compare(!x.getValue().path().equals(biosBootFile),
                    !y.getValue().path().equals(biosBootFile)));
            for (Map.Entry<DirectoryRecord, Addition> e : data) {
                Addition a = e.getValue();
                long size = a.content().size();
                long lba = a.placedLba() >= 0 ? a.placedLba() : size == 0 ? 0 : take(size);
                dataLba.put(e.getKey(), lba);
                placedData.put(a.path(), lba);
                e.getKey().setExtent(lba, size);
                if (a.path().equals(biosBootFile)) {
                    bootLba = lba;
                }
                if (a.path().equals(efiBootFile)) {
                    efiLba = lba;
                    efiSize = size;
                }
            }
        }

        /**
         * A new El Torito boot record goes in the block of a damaged one, or in the terminator's block, the
         * terminator moving one block on (whatever uses that block moves to the appended area).
         */
        void findBootRecordSlot() throws IOException, BadInputException {
            bootRecordSlot = biosBootFile != null && volume.bootRecord() == null
                    ? BootRecordSlot.find(volume, sameTree()) : null;
            if (bootRecordSlot != null) {
                for (IsoDirectory d : bootRecordSlot.moveDirectories()) {
                    DirectoryEdit p = DirectoryEdit.of(d, tree.plans);
                    p.rewrite = true;
                    p.forceMove = true;
                }
            }
        }

        /** Directories are rewritten in place when they still fit, else moved to the appended area. */
        void layOutDirectories() {
            directories = DirectoryEdit.all(tree.root, tree.plans);
            for (DirectoryEdit p : directories) {
                if (!p.rewrite) {
                    p.lba = p.source.extent();
                    p.size = p.source.size();
                    continue;
                }
                rewritten++;
                long blocks = p.layoutBlocks();
                // in place only when the records fit its blocks and its size is whole blocks (a damaged size is
                // corrected by moving it, since the records would run past what its size says)
                if (p.source != null && blocks <= p.source.blocks() && p.source.size() % BLOCK == 0
                        && !p.forceMove) {
                    p.lba = p.source.extent();
                    p.size = p.source.size();
                } else {
                    p.lba = take(blocks * BLOCK);
                    p.size = blocks * BLOCK;
                    if (p.source != null) {
                        moved++;
                    }
                }
            }
        }

        /** Every reference (records, parents' and children's dot entries, CL/PL) points at the final places. */
        void pointReferences() {
            for (DirectoryEdit p : directories) {
                referencePatches.addAll(p.pointReferences(volume, sameTree()));
            }
            tree.bumpLinks();
        }

        /** The new catalog goes after everything; path tables are rewritten when the hierarchy changed. */
        void allocateCatalogAndPathTables() {
            if (biosBootFile != null) {
                if (bootLba < 0) {
                    throw new IllegalStateException("the boot file " + biosBootFile + " is not among the added files");
                }
                catalogLba = next++;
            }
            boolean hierarchyChanged = moved > 0 || directories.stream().anyMatch(p -> p.source == null)
                    || bootRecordSlot != null && bootRecordSlot.pathTablesMove();
            if (hierarchyChanged) {
                List<PathTable.Row> rows = DirectoryEdit.pathTableRows(tree.root, tree.plans);
                lTable = PathTable.encode(rows, false);
                mTable = PathTable.encode(rows, true);
                pathTableL = take(lTable.length);
                pathTableM = take(mTable.length);
            }
        }

        /** Added data not already in the image; the BIOS boot file's copy gets its boot info table. */
        void writeData(ImageDelta out) throws IOException {
            for (Map.Entry<DirectoryRecord, Addition> e : data) {
                long lba = dataLba.get(e.getKey());
                Addition a = e.getValue();
                if (a.placedLba() >= 0) {
                    continue; // already in the image
                }
                if (a.path().equals(biosBootFile)) {
                    byte[] boot = a.content().readAll();
                    out.write(BootInfoTable.patched(boot, volume.primary().lba(), lba), lba * BLOCK);
                } else {
                    out.write(a.content(), lba * BLOCK);
                }
            }
        }

        /** Rewritten directories whole, changed records of the others, then the patched extents. */
        void writeDirectories(ImageDelta out) throws IOException {
            for (DirectoryEdit p : directories) {
                if (p.rewrite) {
                    out.write(p.encode(), p.lba * BLOCK);
                }
            }
            for (IsoDirectory d : volume.directories()) {
                DirectoryEdit p = tree.plans.get(d);
                if (p != null && p.rewrite) {
                    continue;
                }
                for (DirectoryRecord r : d.records()) {
                    if (r.dirty()) {
                        out.write(r.bytes(), r.sourceOffset());
                    }
                }
            }
            for (long[] patch : referencePatches) {
                byte[] v = new byte[8];
                Bytes.put32both(v, 0, patch[1]);
                out.write(v, patch[0]);
            }
        }

        void writePathTables(ImageDelta out) throws IOException {
            if (lTable == null) {
                return;
            }
            out.write(pad(lTable), pathTableL * BLOCK);
            out.write(pad(mTable), pathTableM * BLOCK);
            for (VolumeDescriptor d : sameTree()) {
                d.setPathTables(lTable.length, pathTableL, pathTableM);
            }
        }

        /** The catalog: the BIOS entry, the template's other sections, the added EFI image last. */
        void writeCatalog(ImageDelta out) throws IOException {
            if (catalogLba < 0) {
                return;
            }
            List<BootCatalog.Section> sections = new ArrayList<>(
                    catalogTemplate == null ? List.of() : catalogTemplate.sections());
            if (efiBootFile != null) {
                if (efiLba < 0) {
                    throw new IllegalStateException("the EFI image " + efiBootFile + " is not among the added files");
                }
                sections.add(new BootCatalog.Section(CatalogEntry.PLATFORM_EFI, new byte[28], List.of(
                        CatalogEntry.noEmulation(CatalogEntry.PLATFORM_EFI, efiLba, (int) ((efiSize + 511) / 512)))));
            }
            BootCatalog catalog = new BootCatalog(0, CatalogEntry.noEmulation(0, bootLba, 4), sections);
            out.write(catalog.encode(), catalogLba * BLOCK);
            VolumeDescriptor br = volume.bootRecord();
            if (br != null) {
                BootRecord.setCatalogLba(br, catalogLba); // written with the other descriptors
            }
        }

        /** A Joliet tree's path tables in the block a new boot record takes move to the appended area. */
        void moveSupplementaryPathTables(ImageDelta out) throws IOException, BadInputException {
            if (bootRecordSlot == null || bootRecordSlot.supplementaryTables() == null) {
                return;
            }
            for (VolumeDescriptor d : bootRecordSlot.supplementaryTables().keySet()) {
                long size = d.pathTableSize();
                byte[] l = volume.image().read(d.lPathTableLba() * BLOCK, (int) size, "a path table");
                byte[] m = volume.image().read(d.mPathTableLba() * BLOCK, (int) size, "a path table");
                long lLba = take(size);
                long mLba = take(size);
                out.write(pad(l), lLba * BLOCK);
                out.write(pad(m), mLba * BLOCK);
                d.setPathTables(size, lLba, mLba);
            }
        }

        /** Every descriptor with the new volume size; a new boot record and the moved terminator. */
        void writeDescriptors(ImageDelta out, long volumeBlocks) throws IOException {
            for (VolumeDescriptor d : volume.descriptors()) {
                if (d.type() == VolumeDescriptor.TYPE_PRIMARY || d.type() == VolumeDescriptor.TYPE_SUPPLEMENTARY) {
                    d.setVolumeSpaceSize(Math.max(volumeBlocks, d.volumeSpaceSize()));
                }
                if (bootRecordSlot == null || d.lba() != bootRecordSlot.lba()) {
                    d.repair();
                    out.write(d.data(), d.lba() * BLOCK);
                }
            }
            if (bootRecordSlot != null) {
                out.write(BootRecord.encode(catalogLba), bootRecordSlot.lba() * BLOCK);
                if (bootRecordSlot.terminatorTo() >= 0) {
                    List<VolumeDescriptor> ds = volume.descriptors();
                    out.write(ds.get(ds.size() - 1).data(), bootRecordSlot.terminatorTo() * BLOCK);
                }
            }
        }
    }

    /** The primary descriptor and every other one whose root record names the same directory tree. */
    private List<VolumeDescriptor> sameTree() {
        if (sameTree == null) {
            sameTree = new ArrayList<>();
            long root = volume.primary().rootRecord().extent();
            for (VolumeDescriptor d : volume.descriptors()) {
                if ((d.type() == VolumeDescriptor.TYPE_PRIMARY || d.type() == VolumeDescriptor.TYPE_SUPPLEMENTARY)
                        && d.rootRecord().extent() == root) {
                    sameTree.add(d);
                }
            }
        }
        return sameTree;
    }

    /** What is at a path of the source, for choosing where added things go. */
    public enum Slot {
        /** nothing: an entry can be added there */
        FREE,
        /** a file (or symbolic link) */
        FILE,
        /** a directory */
        DIRECTORY,
        /** a component on the way is a file, so nothing can be added there */
        BLOCKED
    }

    /** What the source has at {@code path}, resolving names as {@link #addFile} does. */
    public Slot slot(String path) {
        String[] parts = path.replaceAll("^/+", "").split("/");
        IsoEntry e = volume.root();
        if (parts.length == 1 && parts[0].isEmpty()) {
            return Slot.DIRECTORY;
        }
        for (int i = 0; i < parts.length; i++) {
            IsoEntry c = TreePlacement.lookup(e, parts[i], volume.rockRidge());
            if (c == null) {
                return Slot.FREE;
            }
            if (i == parts.length - 1) {
                return c.isDirectory() ? Slot.DIRECTORY : Slot.FILE;
            }
            if (!c.isDirectory()) {
                return Slot.BLOCKED;
            }
            e = c;
        }
        return Slot.FREE;
    }

    /**
     * Where readers find what was added at {@code requested} (by {@link #addFile} and its kin), after
     * {@link #write}: the same path with Rock Ridge; without it, the ISO 9660 names it got, and the
     * names of the existing directories it went into.
     */
    public String shownPath(String requested) {
        return shownPaths.getOrDefault(requested, requested);
    }

    private static byte[] pad(byte[] b) {
        byte[] out = new byte[(b.length + BLOCK - 1) / BLOCK * BLOCK];
        System.arraycopy(b, 0, out, 0, b.length);
        return out;
    }
}
