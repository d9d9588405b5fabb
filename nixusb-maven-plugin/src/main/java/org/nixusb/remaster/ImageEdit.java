package org.nixusb.remaster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.nixusb.BadInputException;
import org.nixusb.eltorito.BootCatalog;
import org.nixusb.eltorito.BootInfoTable;
import org.nixusb.eltorito.BootRecord;
import org.nixusb.eltorito.CatalogEntry;
import org.nixusb.iso9660.Bytes;
import org.nixusb.iso9660.DirectoryRecord;
import org.nixusb.iso9660.ImageFile;
import org.nixusb.iso9660.IsoDirectory;
import org.nixusb.iso9660.IsoEntry;
import org.nixusb.iso9660.IsoNames;
import org.nixusb.iso9660.IsoTime;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.iso9660.PathTable;
import org.nixusb.iso9660.RecordBuilder;
import org.nixusb.iso9660.RockRidgeEdit;
import org.nixusb.iso9660.SystemUse;
import org.nixusb.iso9660.VolumeDescriptor;

/**
 * The minimal-diff remaster: the output starts as a byte copy of the source; only the directories
 * that gain entries, the records that change, the path tables, the volume descriptors and the boot
 * catalog are rewritten; new file data and relocated metadata go after the source's last block.
 * Every other byte of the source stays where it was.
 */
public final class ImageEdit {
    private static final int BLOCK = ImageFile.BLOCK;

    /** A file to add or replace. */
    private record Addition(String path, FileContent content, int mode, Instant mtime, String symlink,
            boolean directory, long placedLba) {
        Addition(String path, FileContent content, int mode, Instant mtime, String symlink, boolean directory) {
            this(path, content, mode, mtime, symlink, directory, -1);
        }
    }

    /** A physical directory in the output: an existing one (source != null) or a new one. */
    private static final class DirPlan {
        final IsoDirectory source;
        final DirPlan parent;
        String name;
        /** the name readers show for a new directory */
        String shown;
        final List<DirectoryRecord> records = new ArrayList<>();
        final List<DirPlan> newSubdirs = new ArrayList<>();
        final Map<DirectoryRecord, DirPlan> newSubdirRecords = new IdentityHashMap<>();
        boolean rewrite;
        /** moved to the appended area even if it fits: its first block is needed for the boot record */
        boolean forceMove;
        long lba;
        long size;

        DirPlan(IsoDirectory source, DirPlan parent) {
            this.source = source;
            this.parent = parent;
        }
    }

    private final IsoVolume volume;
    private final RecordBuilder records;
    private final List<Addition> additions = new ArrayList<>();
    private String biosBootFile;
    private String efiBootFile;
    private BootCatalog catalogTemplate;
    private Instant directoryTime;
    private long nextInode;
    private List<VolumeDescriptor> sameTree;
    private final Map<String, String> shownPaths = new HashMap<>();
    private long appendFrom = -1;
    /** where {@link #write} put each added file's data (block), by its path */
    private final Map<String, Long> placedData = new HashMap<>();
    private final Map<IsoEntry, FileContent> replacedFiles = new LinkedHashMap<>();

    public ImageEdit(IsoVolume volume) {
        this.volume = volume;
        int pxLength = 44;
        long maxInode = 0;
        for (IsoDirectory d : volume.directories()) {
            for (SystemUse su : d.systemUse()) {
                if (su.pxLength() == 36) {
                    pxLength = 36;
                }
                maxInode = Math.max(maxInode, su.inode());
            }
        }
        this.records = new RecordBuilder(volume.rockRidge(), pxLength);
        this.nextInode = maxInode + 1;
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
     * Plans the edited image as writes over a byte copy of the source, into {@code out}.
     *
     * @return where things went
     */
    public Result write(ImageDelta out) throws IOException, BadInputException {
        sameTree();
        long sourceBlocks = appendFrom >= 0 ? appendFrom : volume.image().blocks();
        long[] next = {sourceBlocks};
        Map<IsoDirectory, DirPlan> plans = new HashMap<>();
        DirPlan rootPlan = plan(volume.rootDirectory(), plans);
        Map<String, DirectoryRecord> addedRecords = new LinkedHashMap<>();
        Map<DirectoryRecord, Addition> recordData = new LinkedHashMap<>();
        Map<DirectoryRecord, Addition> replacedData = new LinkedHashMap<>();
        Set<DirPlan> linkBumped = new HashSet<>();

        // 1. place each addition in the tree (records with placeholder extents)
        for (Addition a : additions) {
            String[] parts = a.path().replaceAll("^/+", "").split("/");
            DirPlan dir = rootPlan;
            IsoEntry entry = volume.root();
            String sofar = "";
            String shown = "";
            for (int i = 0; i < parts.length - 1; i++) {
                sofar += "/" + parts[i];
                IsoEntry child = entry == null ? null : lookup(entry, parts[i]);
                if (child != null && !child.isDirectory()) {
                    throw new BadInputException(volume.path(), child.path() + " is a file, so " + a.path()
                            + " cannot be added", "Choose another path for it");
                }
                if (child != null) {
                    entry = child;
                    dir = plan(child.directory(), plans);
                    shown += "/" + child.name();
                    continue;
                }
                entry = null;
                DirPlan existing = findNewSubdir(dir, parts[i]);
                if (existing == null) {
                    existing = newDirectory(dir, parts[i], a.mtime(), addedRecords, sofar, SystemUse.S_IFDIR | 0555);
                    linkBumped.add(dir);
                }
                dir = existing;
                shown += "/" + existing.shown;
            }
            String name = parts[parts.length - 1];
            IsoEntry existingEntry = entry == null ? null : lookup(entry, name);
            if (a.directory()) {
                if (existingEntry != null && existingEntry.isDirectory()) {
                    shownPaths.put(a.path(), existingEntry.path());
                    continue; // kept as it is
                }
                if (existingEntry != null) {
                    throw new BadInputException(volume.path(), a.path() + " is a file in the image and cannot become "
                            + "a directory", "Rename the directory in the overlay");
                }
                DirPlan made = findNewSubdir(dir, name);
                if (made == null) {
                    made = newDirectory(dir, name, a.mtime(), addedRecords, a.path(), a.mode());
                    linkBumped.add(dir);
                }
                shownPaths.put(a.path(), shown + "/" + made.shown);
                continue;
            }
            if (existingEntry != null) {
                if (existingEntry.isDirectory() || existingEntry.records().size() != 1 || a.symlink() != null
                        || existingEntry.isSymlink()) {
                    throw new BadInputException(volume.path(), a.path() + " exists as a "
                            + (existingEntry.isDirectory() ? "directory" : existingEntry.isSymlink() ? "symbolic link"
                                    : a.symlink() != null ? "file" : "multi-extent file")
                            + " and cannot be replaced by " + (a.symlink() != null ? "a symbolic link" : "a file"),
                            "Remove it from the added files (the overlay directory)");
                }
                replacedData.put(existingEntry.records().get(0), a);
                replacedFiles.put(existingEntry, a.content());
                shownPaths.put(a.path(), existingEntry.path());
                if (records.rockRidge()) {
                    RockRidgeEdit.setMode(existingEntry.records().get(0), existingEntry.systemUse(), a.mode());
                }
                RockRidgeEdit.setTimes(existingEntry.records().get(0), existingEntry.systemUse(), a.mtime());
                continue;
            }
            if (addedRecords.containsKey(a.path())) {
                DirectoryRecord r = addedRecords.get(a.path());
                recordData.put(r, a);
                continue;
            }
            byte[] id = identifier(dir, name, false);
            shownPaths.put(a.path(), shown + "/" + shownName(name, id));
            DirectoryRecord r = records.build(id, name, false, 0, a.content().size(),
                    a.mtime(), a.mode(), 1, nextInode++, a.symlink());
            insert(dir, r);
            addedRecords.put(a.path(), r);
            recordData.put(r, a);
        }

        // 2. allocate file data: the boot file first, so it sits as early as the appended area allows
        long bootLba = -1;
        List<Map.Entry<DirectoryRecord, Addition>> data = new ArrayList<>(recordData.entrySet());
        data.addAll(replacedData.entrySet());
        data.sort((x, y) -> Boolean.compare(!x.getValue().path().equals(biosBootFile),
                !y.getValue().path().equals(biosBootFile)));
        Map<DirectoryRecord, Long> dataLba = new IdentityHashMap<>();
        long efiLba = -1;
        long efiSize = 0;
        for (Map.Entry<DirectoryRecord, Addition> e : data) {
            long size = e.getValue().content().size();
            long lba;
            if (e.getValue().placedLba() >= 0) {
                lba = e.getValue().placedLba();
            } else {
                lba = size == 0 ? 0 : next[0];
                next[0] += (size + BLOCK - 1) / BLOCK;
            }
            dataLba.put(e.getKey(), lba);
            placedData.put(e.getValue().path(), lba);
            e.getKey().setExtent(lba, size);
            if (e.getValue().path().equals(biosBootFile)) {
                bootLba = lba;
            }
            if (e.getValue().path().equals(efiBootFile)) {
                efiLba = lba;
                efiSize = size;
            }
        }

        // 2b. a new El Torito boot record: in the block of a damaged one, or in the terminator's block, the
        // terminator moving one block on (whatever uses that block moves to the appended area)
        BootRecordPlace brPlace = biosBootFile != null && volume.bootRecord() == null ? bootRecordPlace() : null;
        if (brPlace != null) {
            for (IsoDirectory d : brPlace.moveDirectories()) {
                DirPlan p = plan(d, plans);
                p.rewrite = true;
                p.forceMove = true;
            }
        }

        // 3. lay out directories: rewrite in place when they still fit, else move to the appended area
        int moved = 0;
        int rewritten = 0;
        List<DirPlan> all = new ArrayList<>();
        collect(rootPlan, plans, all);
        for (DirPlan p : all) {
            if (!p.rewrite) {
                p.lba = p.source.extent();
                p.size = p.source.size();
                continue;
            }
            rewritten++;
            long blocks = layoutBlocks(p.records);
            // in place only when the records fit its blocks and its size is whole blocks (a damaged size is
            // corrected by moving it, since the records would run past what its size says)
            if (p.source != null && blocks <= p.source.blocks() && p.source.size() % BLOCK == 0 && !p.forceMove) {
                p.lba = p.source.extent();
                p.size = p.source.size();
            } else {
                p.lba = next[0];
                p.size = blocks * BLOCK;
                next[0] += blocks;
                if (p.source != null) {
                    moved++;
                }
            }
        }

        // 4. point every reference at the final places
        List<long[]> rawPatches = new ArrayList<>();
        for (DirPlan p : all) {
            boolean movedHere = p.source != null && p.lba != p.source.extent();
            if (p.source == null || movedHere) {
                p.records.get(0).setExtent(p.lba, p.size);
                if (p.parent == null) {
                    p.records.get(1).setExtent(p.lba, p.size);
                } else {
                    p.records.get(1).setExtent(p.parent.lba, p.parent.size);
                }
            }
            for (Map.Entry<DirectoryRecord, DirPlan> e : p.newSubdirRecords.entrySet()) {
                e.getKey().setExtent(e.getValue().lba, e.getValue().size);
            }
            if (!movedHere) {
                continue;
            }
            long old = p.source.extent();
            if (p.parent == null) {
                // the primary and any descriptor sharing its tree (the ISO 9660:1999 enhanced descriptor)
                for (VolumeDescriptor d : sameTree()) {
                    d.setRootExtent(p.lba, p.size);
                }
            } else {
                p.source.recordInParent().setExtent(p.lba, p.size);
            }
            for (IsoDirectory child : p.source.subdirectories()) {
                child.parentRecord().setExtent(p.lba, p.size);
            }
            for (IsoDirectory d : volume.directories()) {
                for (int i = 0; i < d.records().size(); i++) {
                    SystemUse su = d.systemUse().get(i);
                    if (su.childLink() == old) {
                        addRaw(rawPatches, RockRidgeEdit.setLinkTarget(d.records().get(i), su.childLinkLocation(), p.lba));
                    }
                    if (su.parentLink() == old) {
                        addRaw(rawPatches, RockRidgeEdit.setLinkTarget(d.records().get(i), su.parentLinkLocation(), p.lba));
                    }
                }
            }
        }
        for (DirPlan p : linkBumped) {
            bumpLinks(p, plans);
        }

        // 5. the boot file's copy gets its boot info table; the new catalog goes after everything
        long catalogLba = -1;
        if (biosBootFile != null) {
            if (bootLba < 0) {
                throw new IllegalStateException("the boot file " + biosBootFile + " is not among the added files");
            }
            catalogLba = next[0]++;
        }

        // 6. path tables when the directory hierarchy changed
        boolean hierarchyChanged = moved > 0 || all.stream().anyMatch(p -> p.source == null)
                || brPlace != null && brPlace.pathTablesMove();
        long pathTableL = -1;
        long pathTableM = -1;
        byte[] lTable = null;
        byte[] mTable = null;
        if (hierarchyChanged) {
            List<PathTable.Row> rows = pathTableRows(rootPlan, plans);
            lTable = PathTable.encode(rows, false);
            mTable = PathTable.encode(rows, true);
            pathTableL = next[0];
            next[0] += (lTable.length + BLOCK - 1) / BLOCK;
            pathTableM = next[0];
            next[0] += (mTable.length + BLOCK - 1) / BLOCK;
        }

        // 7. write: file data, directories, dirty records, patches, path tables, catalog, descriptors
        long appendStart = sourceBlocks * (long) BLOCK;
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
        for (DirPlan p : all) {
            if (p.rewrite) {
                out.write(layout(p.records, p.size), p.lba * BLOCK);
            }
        }
        for (IsoDirectory d : volume.directories()) {
            DirPlan p = plans.get(d);
            if (p != null && p.rewrite) {
                continue;
            }
            for (DirectoryRecord r : d.records()) {
                if (r.dirty()) {
                    out.write(r.bytes(), r.sourceOffset());
                }
            }
        }
        for (long[] patch : rawPatches) {
            byte[] v = new byte[8];
            Bytes.put32both(v, 0, patch[1]);
            out.write(v, patch[0]);
        }
        if (hierarchyChanged) {
            out.write(pad(lTable), pathTableL * BLOCK);
            out.write(pad(mTable), pathTableM * BLOCK);
            for (VolumeDescriptor d : sameTree()) {
                d.setPathTables(lTable.length, pathTableL, pathTableM);
            }
        }
        if (catalogLba >= 0) {
            List<BootCatalog.Section> sections = new ArrayList<>(
                    catalogTemplate == null ? List.of() : catalogTemplate.sections());
            if (efiBootFile != null) {
                if (efiLba < 0) {
                    throw new IllegalStateException("the EFI image " + efiBootFile + " is not among the added files");
                }
                sections.add(new BootCatalog.Section(CatalogEntry.PLATFORM_EFI, new byte[28], List.of(
                        CatalogEntry.noEmulation(CatalogEntry.PLATFORM_EFI, efiLba, (int) ((efiSize + 511) / 512)))));
            }
            BootCatalog catalog = new BootCatalog(0,
                    CatalogEntry.noEmulation(0, bootLba, 4), sections);
            out.write(catalog.encode(), catalogLba * BLOCK);
            VolumeDescriptor br = volume.bootRecord();
            if (br != null) {
                BootRecord.setCatalogLba(br, catalogLba); // written with the other descriptors
            }
        }
        if (brPlace != null && brPlace.supplementaryTables() != null) {
            for (Map.Entry<VolumeDescriptor, long[]> t : brPlace.supplementaryTables().entrySet()) {
                VolumeDescriptor d = t.getKey();
                long size = d.pathTableSize();
                byte[] l = volume.image().read(d.lPathTableLba() * BLOCK, (int) size, "a path table");
                byte[] m = volume.image().read(d.mPathTableLba() * BLOCK, (int) size, "a path table");
                long blocks = (size + BLOCK - 1) / BLOCK;
                long lLba = next[0];
                long mLba = next[0] + blocks;
                next[0] += 2 * blocks;
                out.write(pad(l), lLba * BLOCK);
                out.write(pad(m), mLba * BLOCK);
                d.setPathTables(size, lLba, mLba);
            }
        }
        long volumeBlocks = next[0];
        for (VolumeDescriptor d : volume.descriptors()) {
            if (d.type() == VolumeDescriptor.TYPE_PRIMARY || d.type() == VolumeDescriptor.TYPE_SUPPLEMENTARY) {
                d.setVolumeSpaceSize(Math.max(volumeBlocks, d.volumeSpaceSize()));
            }
            if (brPlace == null || d.lba() != brPlace.lba()) {
                d.repair();
                out.write(d.data(), d.lba() * BLOCK);
            }
        }
        if (brPlace != null) {
            out.write(BootRecord.encode(catalogLba), brPlace.lba() * BLOCK);
            if (brPlace.terminatorTo() >= 0) {
                List<VolumeDescriptor> ds = volume.descriptors();
                out.write(ds.get(ds.size() - 1).data(), brPlace.terminatorTo() * BLOCK);
            }
        }
        long end = volumeBlocks * BLOCK;
        out.extendTo(end);
        return new Result(volumeBlocks, bootLba, catalogLba, rewritten, moved, Math.max(0, end - appendStart), efiLba,
                efiSize);
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

    private DirPlan plan(IsoDirectory dir, Map<IsoDirectory, DirPlan> plans) {
        DirPlan p = plans.get(dir);
        if (p == null) {
            DirPlan parent = dir.parent() == null ? null : plan(dir.parent(), plans);
            p = new DirPlan(dir, parent);
            p.records.addAll(dir.records());
            plans.put(dir, p);
        }
        return p;
    }

    private DirPlan findNewSubdir(DirPlan dir, String name) {
        for (DirPlan d : dir.newSubdirs) {
            if (d.name.equals(name) || !records.rockRidge() && IsoNames.key(d.name).equals(IsoNames.key(name))) {
                return d;
            }
        }
        return null;
    }

    /**
     * The existing entry of {@code dir} that a new entry called {@code name} would be, as readers
     * resolve names: the Rock Ridge name exactly when the image has Rock Ridge, else the ISO 9660
     * identifier as d-characters compare (case-insensitively, without version or trailing dot). An
     * entry whose 8.3 identifier would clash but whose Rock Ridge name differs is not the same entry:
     * the new one gets a unique identifier instead.
     */
    IsoEntry lookup(IsoEntry dir, String name) {
        IsoEntry exact = dir.child(name);
        if (exact != null || records.rockRidge()) {
            return exact;
        }
        for (IsoEntry c : dir.children()) {
            if (IsoNames.sameEntry(c.records().get(0).identifierText(false), name)) {
                return c;
            }
        }
        return null;
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
            IsoEntry c = lookup(e, parts[i]);
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

    private DirPlan newDirectory(DirPlan parent, String name, Instant mtime, Map<String, DirectoryRecord> added,
            String path, int mode) {
        DirPlan d = new DirPlan(null, parent);
        d.name = name;
        d.rewrite = true;
        int dirMode = SystemUse.S_IFDIR | (mode & 07777);
        d.records.add(records.build(new byte[] {0}, null, true, 0, 0, mtime, dirMode, 2, nextInode++));
        d.records.add(records.build(new byte[] {1}, null, true, 0, 0, mtime, dirMode, 2, 0));
        byte[] id = identifier(parent, name, true);
        d.shown = shownName(name, id);
        DirectoryRecord inParent = records.build(id, name, true, 0, 0, mtime, dirMode, 2, nextInode - 1);
        insert(parent, inParent);
        parent.newSubdirs.add(d);
        parent.newSubdirRecords.put(inParent, d);
        added.put(path, inParent);
        return d;
    }

    /** The name readers show for a new entry: its Rock Ridge name, or its ISO 9660 identifier as readers strip it. */
    private String shownName(String name, byte[] identifier) {
        return records.rockRidge() ? name : IsoVolume.isoName(new String(identifier, StandardCharsets.ISO_8859_1));
    }

    /**
     * Where readers find what was added at {@code requested} (by {@link #addFile} and its kin), after
     * {@link #write}: the same path with Rock Ridge; without it, the ISO 9660 names it got, and the
     * names of the existing directories it went into.
     */
    public String shownPath(String requested) {
        return shownPaths.getOrDefault(requested, requested);
    }

    private byte[] identifier(DirPlan dir, String name, boolean directory) {
        Set<String> taken = new HashSet<>();
        for (DirectoryRecord r : dir.records) {
            if (!r.isSelf() && !r.isParent()) {
                taken.add(IsoNames.key(r.identifierText(false)));
            }
        }
        return IsoNames.identifierFor(name, directory, taken).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void insert(DirPlan dir, DirectoryRecord r) {
        dir.rewrite = true;
        int i = 2;
        while (i < dir.records.size() && IsoNames.ORDER.compare(dir.records.get(i).identifier(), r.identifier()) <= 0) {
            i++;
        }
        dir.records.add(i, r);
    }

    private void collect(DirPlan root, Map<IsoDirectory, DirPlan> plans, List<DirPlan> out) {
        ArrayDeque<DirPlan> queue = new ArrayDeque<>();
        queue.add(root);
        Set<DirPlan> seen = new HashSet<>();
        while (!queue.isEmpty()) {
            DirPlan p = queue.poll();
            if (!seen.add(p)) {
                continue;
            }
            out.add(p);
            queue.addAll(p.newSubdirs);
            if (p.source != null) {
                for (IsoDirectory c : p.source.subdirectories()) {
                    DirPlan cp = plans.get(c);
                    if (cp != null) {
                        queue.add(cp);
                    }
                }
            }
        }
        for (DirPlan p : plans.values()) {
            if (seen.add(p)) {
                out.add(p);
            }
        }
    }

    /** Rows of the path table: breadth first over the physical hierarchy, children in record order. */
    private List<PathTable.Row> pathTableRows(DirPlan rootPlan, Map<IsoDirectory, DirPlan> plans) {
        List<PathTable.Row> rows = new ArrayList<>();
        ArrayDeque<Object[]> queue = new ArrayDeque<>();
        // element: {IsoDirectory or DirPlan, identifier bytes, parent number}
        queue.add(new Object[] {rootPlan, new byte[] {0}, 1});
        while (!queue.isEmpty()) {
            Object[] item = queue.poll();
            Object node = item[0];
            DirPlan p = node instanceof DirPlan dp ? dp : plans.get((IsoDirectory) node);
            IsoDirectory src = node instanceof IsoDirectory id ? id : p.source;
            long lba = p != null ? p.lba : src.extent();
            rows.add(new PathTable.Row((byte[]) item[1], lba, (Integer) item[2]));
            int number = rows.size();
            List<DirectoryRecord> recs = p != null ? p.records : src.records();
            for (DirectoryRecord r : recs) {
                if (r.isSelf() || r.isParent() || !r.isDirectory()) {
                    continue;
                }
                Object child = null;
                if (p != null && p.newSubdirRecords.containsKey(r)) {
                    child = p.newSubdirRecords.get(r);
                } else if (src != null) {
                    for (IsoDirectory c : src.subdirectories()) {
                        if (c.recordInParent() == r) {
                            child = plans.containsKey(c) ? plans.get(c) : c;
                            break;
                        }
                    }
                }
                if (child != null) {
                    queue.add(new Object[] {child, r.identifier(), number});
                }
            }
        }
        return rows;
    }

    private void bumpLinks(DirPlan dir, Map<IsoDirectory, DirPlan> plans) {
        if (!records.rockRidge() || dir.source == null) {
            return;
        }
        int added = dir.newSubdirs.size();
        RockRidgeEdit.addLinks(dir.source.records().get(0), dir.source.systemUse().get(0), added);
        IsoDirectory parent = dir.source.parent();
        if (parent != null) {
            int idx = parent.records().indexOf(dir.source.recordInParent());
            if (idx >= 0) {
                RockRidgeEdit.addLinks(parent.records().get(idx), parent.systemUse().get(idx), added);
            }
        }
    }

    private static void addRaw(List<long[]> raw, long[] patch) {
        if (patch != null) {
            raw.add(patch);
        }
    }

    private static long layoutBlocks(List<DirectoryRecord> recs) {
        long blocks = 1;
        int used = 0;
        for (DirectoryRecord r : recs) {
            if (used + r.length() > BLOCK) {
                blocks++;
                used = 0;
            }
            used += r.length();
        }
        return blocks;
    }

    private static byte[] layout(List<DirectoryRecord> recs, long size) {
        byte[] out = new byte[(int) size];
        int block = 0;
        int used = 0;
        for (DirectoryRecord r : recs) {
            if (used + r.length() > BLOCK) {
                block++;
                used = 0;
            }
            System.arraycopy(r.bytes(), 0, out, block * BLOCK + used, r.length());
            used += r.length();
        }
        return out;
    }

    /**
     * Where a new boot record goes: the block of a damaged El Torito record (a type 0 descriptor whose
     * version or system identifier is wrong), which it replaces; else the terminator's block, the
     * terminator moving one block on. What uses that block then must move: directories of the ISO 9660
     * tree and the path tables move to the appended area; anything else (file data, a directory of
     * another tree) cannot, and the image is refused.
     *
     * @param lba where the boot record goes
     * @param terminatorTo where the terminator moves, or -1
     * @param moveDirectories directories to move out of the way
     * @param pathTablesMove the primary path tables must move
     * @param supplementaryTables supplementary descriptors whose path tables must move (null for none)
     */
    private record BootRecordPlace(long lba, long terminatorTo, List<IsoDirectory> moveDirectories,
            boolean pathTablesMove, Map<VolumeDescriptor, long[]> supplementaryTables) {
    }

    private BootRecordPlace bootRecordPlace() throws IOException, BadInputException {
        VolumeDescriptor damaged = volume.damagedBootRecord();
        if (damaged != null) {
            return new BootRecordPlace(damaged.lba(), -1, List.of(), false, null);
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
        VolumeDescriptor p = volume.primary();
        boolean tables = inTables(p, free);
        Map<VolumeDescriptor, long[]> supplementary = new LinkedHashMap<>();
        for (VolumeDescriptor d : ds) {
            if (d.type() == VolumeDescriptor.TYPE_SUPPLEMENTARY && !sameTree().contains(d)) {
                if (inTables(d, free)) {
                    supplementary.put(d, new long[0]);
                }
                long root = d.rootRecord().extent();
                if (free == root || directoryExtents(d).contains(free)) {
                    throw new BadInputException(volume.path(), "the image has no El Torito boot record, and the block "
                            + "after its volume descriptors holds a directory of its Joliet tree, so none can be added",
                            "Rebuild the source with an El Torito boot entry (for example genisoimage -b ... -c "
                                    + "boot.cat) and remaster that");
                }
            }
        }
        if (move.isEmpty() && !tables && supplementary.isEmpty() && blockUsed(free)) {
            throw new BadInputException(volume.path(), "the image has no El Torito boot record, and file data lies right "
                    + "after its volume descriptors, so none can be added", "Rebuild the source with an El Torito boot "
                    + "entry (for example genisoimage -b ... -c boot.cat) and remaster that");
        }
        return new BootRecordPlace(term.lba(), free, move, tables, supplementary.isEmpty() ? null : supplementary);
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
    private Set<Long> directoryExtents(VolumeDescriptor d) throws IOException {
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

    private boolean blockUsed(long lba) {
        VolumeDescriptor p = volume.primary();
        long ptBlocks = (p.pathTableSize() + BLOCK - 1) / BLOCK;
        for (long t : new long[] {p.lPathTableLba(), p.optionalLPathTableLba(), p.mPathTableLba(),
            p.optionalMPathTableLba()}) {
            if (t != 0 && lba >= t && lba < t + ptBlocks) {
                return true;
            }
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

    private static byte[] pad(byte[] b) {
        byte[] out = new byte[(b.length + BLOCK - 1) / BLOCK * BLOCK];
        System.arraycopy(b, 0, out, 0, b.length);
        return out;
    }
}
