package org.nixusb.iso9660;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.nixusb.BadInputException;
import org.nixusb.iso9660.DirectoryRecord;
import org.nixusb.iso9660.IsoDirectory;
import org.nixusb.iso9660.IsoEntry;
import org.nixusb.iso9660.IsoNames;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.iso9660.RecordBuilder;
import org.nixusb.iso9660.RockRidgeEdit;
import org.nixusb.iso9660.SystemUse;
import org.nixusb.output.FileContent;

/**
 * Puts an edit's additions into the directory tree: resolves each path as readers resolve names, creates the
 * missing directories, builds the new records (extents still placeholders) in ISO 9660 order with unique
 * identifiers, and marks the existing files whose data is replaced (their Rock Ridge mode and times updated).
 * Which directories change, and how, is left in {@link DirectoryEdit}s.
 */
final class TreePlacement {
    private final IsoVolume volume;
    private final RecordBuilder records;
    private long nextInode;
    /** the plans of the source directories that change (and their parents) */
    final Map<IsoDirectory, DirectoryEdit> plans = new HashMap<>();
    final DirectoryEdit root;
    /** new records and the additions whose data they name */
    final Map<DirectoryRecord, ImageEdit.Addition> newData = new LinkedHashMap<>();
    /** existing files' records whose data an addition replaces */
    final Map<DirectoryRecord, ImageEdit.Addition> replacedData = new LinkedHashMap<>();
    private final Map<String, DirectoryRecord> addedRecords = new LinkedHashMap<>();
    private final Set<DirectoryEdit> gainedDirectories = new HashSet<>();
    private final Map<String, String> shownPaths;
    private final Map<IsoEntry, FileContent> replacedFiles;

    /**
     * @param shownPaths receives where readers see each added path
     * @param replacedFiles receives the source's files whose data is replaced, with the new content
     */
    TreePlacement(IsoVolume volume, Map<String, String> shownPaths, Map<IsoEntry, FileContent> replacedFiles) {
        this.volume = volume;
        this.shownPaths = shownPaths;
        this.replacedFiles = replacedFiles;
        int pxLength = 44;
        long maxInode = 0;
        for (IsoDirectory d : volume.directories()) {
            for (SystemUse su : d.systemUse()) {
                if (su.pxLength() == 36) {
                    pxLength = 36; // RRIP 1.10's PX, without the serial number: new entries match the source's
                }
                maxInode = Math.max(maxInode, su.inode());
            }
        }
        this.records = new RecordBuilder(volume.rockRidge(), pxLength);
        this.nextInode = maxInode + 1;
        this.root = DirectoryEdit.of(volume.rootDirectory(), plans);
    }

    /**
     * The existing entry of {@code dir} that a new entry called {@code name} would be, as readers
     * resolve names: the Rock Ridge name exactly when the image has Rock Ridge, else the ISO 9660
     * identifier as d-characters compare (case-insensitively, without version or trailing dot). An
     * entry whose 8.3 identifier would clash but whose Rock Ridge name differs is not the same entry:
     * the new one gets a unique identifier instead.
     */
    static IsoEntry lookup(IsoEntry dir, String name, boolean rockRidge) {
        IsoEntry exact = dir.child(name);
        if (exact != null || rockRidge) {
            return exact;
        }
        for (IsoEntry c : dir.children()) {
            if (IsoNames.sameEntry(c.records().get(0).identifierText(false), name)) {
                return c;
            }
        }
        return null;
    }

    /** Places one addition. */
    void place(ImageEdit.Addition a) throws BadInputException {
        String[] parts = a.path().replaceAll("^/+", "").split("/");
        DirectoryEdit dir = root;
        IsoEntry entry = volume.root();
        String sofar = "";
        String shown = "";
        for (int i = 0; i < parts.length - 1; i++) {
            sofar += "/" + parts[i];
            IsoEntry child = entry == null ? null : lookup(entry, parts[i], records.rockRidge());
            if (child != null && !child.isDirectory()) {
                throw new BadInputException(volume.path(), child.path() + " is a file, so " + a.path()
                        + " cannot be added", "Choose another path for it");
            }
            if (child != null) {
                entry = child;
                dir = DirectoryEdit.of(child.directory(), plans);
                shown += "/" + child.name();
                continue;
            }
            entry = null;
            DirectoryEdit existing = findNewSubdir(dir, parts[i]);
            if (existing == null) {
                existing = newDirectory(dir, parts[i], a.mtime(), sofar, SystemUse.S_IFDIR | 0555);
            }
            dir = existing;
            shown += "/" + existing.shown;
        }
        String name = parts[parts.length - 1];
        IsoEntry existingEntry = entry == null ? null : lookup(entry, name, records.rockRidge());
        if (a.directory()) {
            placeDirectory(a, dir, existingEntry, name, shown);
        } else if (existingEntry != null) {
            replace(a, existingEntry);
        } else if (addedRecords.containsKey(a.path())) {
            newData.put(addedRecords.get(a.path()), a);
        } else {
            byte[] id = identifier(dir, name, false);
            shownPaths.put(a.path(), shown + "/" + shownName(name, id));
            DirectoryRecord r = records.build(id, name, false, 0, a.content().size(), a.mtime(), a.mode(), 1,
                    nextInode++, a.symlink());
            dir.insert(r);
            addedRecords.put(a.path(), r);
            newData.put(r, a);
        }
    }

    private void placeDirectory(ImageEdit.Addition a, DirectoryEdit dir, IsoEntry existingEntry, String name,
            String shown) throws BadInputException {
        if (existingEntry != null && existingEntry.isDirectory()) {
            shownPaths.put(a.path(), existingEntry.path()); // kept as it is
            return;
        }
        if (existingEntry != null) {
            throw new BadInputException(volume.path(), a.path() + " is a file in the image and cannot become "
                    + "a directory", "Rename the directory in the overlay");
        }
        DirectoryEdit made = findNewSubdir(dir, name);
        if (made == null) {
            made = newDirectory(dir, name, a.mtime(), a.path(), a.mode());
        }
        shownPaths.put(a.path(), shown + "/" + made.shown);
    }

    private void replace(ImageEdit.Addition a, IsoEntry existing) throws BadInputException {
        if (existing.isDirectory() || existing.records().size() != 1 || a.symlink() != null || existing.isSymlink()) {
            throw new BadInputException(volume.path(), a.path() + " exists as a "
                    + (existing.isDirectory() ? "directory" : existing.isSymlink() ? "symbolic link"
                            : a.symlink() != null ? "file" : "multi-extent file")
                    + " and cannot be replaced by " + (a.symlink() != null ? "a symbolic link" : "a file"),
                    "Remove it from the added files (the overlay directory)");
        }
        replacedData.put(existing.records().get(0), a);
        replacedFiles.put(existing, a.content());
        shownPaths.put(a.path(), existing.path());
        if (records.rockRidge()) {
            RockRidgeEdit.setMode(existing.records().get(0), existing.systemUse(), a.mode());
        }
        RockRidgeEdit.setTimes(existing.records().get(0), existing.systemUse(), a.mtime());
    }

    /**
     * Raises the Rock Ridge link counts (PX) of the source directories that gained subdirectories, in their
     * "." and in their record in the parent.
     */
    void bumpLinks() {
        if (!records.rockRidge()) {
            return;
        }
        for (DirectoryEdit dir : gainedDirectories) {
            if (dir.source == null) {
                continue;
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
    }

    private DirectoryEdit findNewSubdir(DirectoryEdit dir, String name) {
        for (DirectoryEdit d : dir.newSubdirs) {
            if (d.name.equals(name) || !records.rockRidge() && IsoNames.key(d.name).equals(IsoNames.key(name))) {
                return d;
            }
        }
        return null;
    }

    private DirectoryEdit newDirectory(DirectoryEdit parent, String name, Instant mtime, String path, int mode) {
        DirectoryEdit d = new DirectoryEdit(null, parent);
        d.name = name;
        d.rewrite = true;
        int dirMode = SystemUse.S_IFDIR | (mode & 07777);
        d.records.add(records.build(new byte[] {0}, null, true, 0, 0, mtime, dirMode, 2, nextInode++));
        d.records.add(records.build(new byte[] {1}, null, true, 0, 0, mtime, dirMode, 2, 0));
        byte[] id = identifier(parent, name, true);
        d.shown = shownName(name, id);
        DirectoryRecord inParent = records.build(id, name, true, 0, 0, mtime, dirMode, 2, nextInode - 1);
        parent.insert(inParent);
        parent.newSubdirs.add(d);
        parent.newSubdirRecords.put(inParent, d);
        addedRecords.put(path, inParent);
        gainedDirectories.add(parent);
        return d;
    }

    /** The name readers show for a new entry: its Rock Ridge name, or its ISO 9660 identifier as readers strip it. */
    private String shownName(String name, byte[] identifier) {
        return records.rockRidge() ? name : IsoVolume.isoName(new String(identifier, StandardCharsets.ISO_8859_1));
    }

    /** An ISO 9660 identifier for {@code name} that no other entry of the directory has. */
    private byte[] identifier(DirectoryEdit dir, String name, boolean directory) {
        Set<String> taken = new HashSet<>();
        for (DirectoryRecord r : dir.records) {
            if (!r.isSelf() && !r.isParent()) {
                taken.add(IsoNames.key(r.identifierText(false)));
            }
        }
        return IsoNames.identifierFor(name, directory, taken).getBytes(StandardCharsets.ISO_8859_1);
    }
}
