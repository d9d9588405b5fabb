package org.nixusb.iso9660;

import java.util.ArrayList;
import java.util.List;

/**
 * A directory as it is stored in the ISO 9660 hierarchy (the physical tree that the path tables
 * describe, with Rock Ridge relocations not undone): its extent and all its records in order,
 * "." and ".." included.
 */
public final class IsoDirectory {
    private final long extent;
    private final long size;
    private final IsoDirectory parent;
    private final DirectoryRecord recordInParent;
    private final List<DirectoryRecord> records = new ArrayList<>();
    private final List<SystemUse> systemUse = new ArrayList<>();
    private final List<IsoDirectory> subdirectories = new ArrayList<>();

    public IsoDirectory(long extent, long size, IsoDirectory parent, DirectoryRecord recordInParent) {
        this.extent = extent;
        this.size = size;
        this.parent = parent;
        this.recordInParent = recordInParent;
    }

    public long extent() {
        return extent;
    }

    public long size() {
        return size;
    }

    /** Blocks allocated to the directory. */
    public long blocks() {
        return (size + ImageFile.BLOCK - 1) / ImageFile.BLOCK;
    }

    public IsoDirectory parent() {
        return parent;
    }

    /** The record naming this directory in its parent (for the root: the volume descriptor's copy). */
    public DirectoryRecord recordInParent() {
        return recordInParent;
    }

    public List<DirectoryRecord> records() {
        return records;
    }

    /** Parsed SUSP/Rock Ridge data, index-aligned with {@link #records()}. */
    public List<SystemUse> systemUse() {
        return systemUse;
    }

    /** Physical subdirectories in record order. */
    public List<IsoDirectory> subdirectories() {
        return subdirectories;
    }

    public DirectoryRecord self() {
        return records.isEmpty() ? null : records.get(0);
    }

    public DirectoryRecord parentRecord() {
        return records.size() < 2 ? null : records.get(1);
    }

    /** The level in the hierarchy, root = 1. */
    public int level() {
        int l = 1;
        for (IsoDirectory d = parent; d != null; d = d.parent) {
            l++;
        }
        return l;
    }
}
