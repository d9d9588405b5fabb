package org.nixusb.iso9660;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A file, directory or symbolic link as a user sees it: Rock Ridge name, mode, link target and
 * times, with relocated directories put back in place and multi-extent files joined.
 */
public final class IsoEntry {
    /** One contiguous piece of a file's data. */
    public record Extent(long lba, long length) {
    }

    private final String name;
    private final IsoEntry parent;
    private final List<DirectoryRecord> records;
    private final SystemUse systemUse;
    private final IsoDirectory directory;
    private final List<Extent> extents;
    private final Map<String, IsoEntry> children = new TreeMap<>();

    public IsoEntry(String name, IsoEntry parent, List<DirectoryRecord> records, SystemUse systemUse,
            IsoDirectory directory, List<Extent> extents) {
        this.name = name;
        this.parent = parent;
        this.records = records;
        this.systemUse = systemUse;
        this.directory = directory;
        this.extents = extents;
    }

    public String name() {
        return name;
    }

    public IsoEntry parent() {
        return parent;
    }

    /** Absolute path, "/" for the root. */
    public String path() {
        if (parent == null) {
            return "/";
        }
        String p = parent.path();
        return (p.equals("/") ? "" : p) + "/" + name;
    }

    /** The directory records of this entry: one, or several for a multi-extent file. */
    public List<DirectoryRecord> records() {
        return records;
    }

    public SystemUse systemUse() {
        return systemUse;
    }

    public boolean isDirectory() {
        return directory != null;
    }

    public boolean isSymlink() {
        return systemUse != null && systemUse.symlink() != null;
    }

    public String symlinkTarget() {
        return systemUse == null ? null : systemUse.symlink();
    }

    /** The physical directory for a directory entry (after following a Rock Ridge CL). */
    public IsoDirectory directory() {
        return directory;
    }

    public List<Extent> extents() {
        return extents;
    }

    public long size() {
        long s = 0;
        for (Extent e : extents) {
            s += e.length();
        }
        return s;
    }

    /** POSIX mode from Rock Ridge PX, or null without Rock Ridge. */
    public Integer mode() {
        return systemUse == null ? null : systemUse.mode();
    }

    /** Modification time: Rock Ridge TF when present, else the record's recording date. */
    public Instant mtime() {
        if (systemUse != null && systemUse.mtime() != null) {
            return systemUse.mtime();
        }
        return records.get(0).recordingDate();
    }

    public Map<String, IsoEntry> childMap() {
        return children;
    }

    public List<IsoEntry> children() {
        return Collections.unmodifiableList(new ArrayList<>(children.values()));
    }

    public IsoEntry child(String childName) {
        return children.get(childName);
    }

    @Override
    public String toString() {
        return path();
    }
}
