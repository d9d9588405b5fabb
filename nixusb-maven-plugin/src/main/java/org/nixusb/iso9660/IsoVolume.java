package org.nixusb.iso9660;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.nixusb.binary.Bytes;

/**
 * An ISO 9660 image opened for reading: volume descriptors, the physical directory hierarchy and
 * the logical (Rock Ridge) tree. Everything read is validated: signatures, extents inside the file,
 * sane sizes, no directory loops. Reading never changes the file.
 */
public final class IsoVolume implements Closeable {
    private static final int MAX_DESCRIPTORS = 256;
    private static final long MAX_DIRECTORY_SIZE = 512L * 1024 * 1024;

    private final ImageFile image;
    private final List<VolumeDescriptor> descriptors;
    private final VolumeDescriptor primary;
    private final IsoDirectory root;
    private final List<IsoDirectory> directories;
    private final Map<Long, IsoDirectory> directoriesByExtent;
    private final boolean rockRidge;
    private final int suspSkip;
    private final IsoEntry rootEntry;

    private IsoVolume(ImageFile image) throws IOException, IsoFormatException {
        this.image = image;
        Path file = image.path();
        if (image.size() < 17L * ImageFile.BLOCK) {
            throw new IsoFormatException(file, "the file is only " + image.size()
                    + " bytes, too small to hold an ISO 9660 volume descriptor at byte 32768: it is not an ISO image");
        }
        this.descriptors = readDescriptors(image);
        VolumeDescriptor pvd = null;
        for (VolumeDescriptor d : descriptors) {
            if (d.type() == VolumeDescriptor.TYPE_PRIMARY) {
                pvd = d;
                break;
            }
        }
        if (pvd == null) {
            throw new IsoFormatException(file, "the volume descriptor set has no primary volume descriptor");
        }
        this.primary = pvd;
        if (pvd.logicalBlockSize() != ImageFile.BLOCK) {
            throw new IsoFormatException(file, "the logical block size is " + pvd.logicalBlockSize()
                    + " bytes; only 2048-byte blocks are supported");
        }
        long volumeBytes = pvd.volumeSpaceSize() * ImageFile.BLOCK;
        if (volumeBytes > image.size()) {
            throw new IsoFormatException(file, "the primary volume descriptor says the volume has "
                    + pvd.volumeSpaceSize() + " blocks (" + volumeBytes + " bytes) but the file has only "
                    + image.size() + " bytes: the image is truncated");
        }
        for (VolumeDescriptor d : descriptors) {
            if (d.type() == VolumeDescriptor.TYPE_SUPPLEMENTARY && d != pvd) {
                DirectoryRecord r = d.rootRecord();
                String which = (d.isJoliet() ? "the Joliet" : "the supplementary") + " volume descriptor at block "
                        + d.lba();
                if (d.logicalBlockSize() != ImageFile.BLOCK) {
                    throw new IsoFormatException(file, which + " has a logical block size of " + d.logicalBlockSize()
                            + " bytes (byte " + (d.lba() * ImageFile.BLOCK + VolumeDescriptor.OFF_BLOCK_SIZE)
                            + "); readers cannot use its tree");
                }
                if (!r.isDirectory() || r.dataLength() == 0 || (r.extent() + 1) * ImageFile.BLOCK > image.size()) {
                    throw new IsoFormatException(file, which + " has a damaged root directory record (block "
                            + r.extent() + ", " + r.dataLength() + " bytes, at byte " + (d.lba() * ImageFile.BLOCK
                            + VolumeDescriptor.OFF_ROOT_RECORD) + "); readers of its tree fail on it");
                }
            }
        }
        DirectoryRecord rootRecord = pvd.rootRecord();
        if (!rootRecord.isDirectory() || rootRecord.dataLength() == 0) {
            throw new IsoFormatException(file, "the root directory record in the primary volume descriptor is damaged");
        }
        this.root = new IsoDirectory(rootRecord.extent(), rootRecord.dataLength(), null, rootRecord);
        this.directories = new ArrayList<>();
        this.directoriesByExtent = new HashMap<>();
        readDirectory(root);
        SystemUse rootSelf = SystemUse.parse(image, root.self(), 0);
        this.suspSkip = rootSelf.hasSp() ? rootSelf.spSkip() : 0;
        root.systemUse().clear();
        boolean rr = false;
        for (DirectoryRecord r : root.records()) {
            SystemUse su = rootSelf.hasSp() ? SystemUse.parse(image, r, r == root.self() ? 0 : suspSkip)
                    : new SystemUse();
            root.systemUse().add(su);
            rr |= su.anyRockRidge();
        }
        walkPhysical(rootSelf.hasSp());
        for (IsoDirectory d : directories) {
            for (SystemUse su : d.systemUse()) {
                rr |= su.anyRockRidge();
            }
        }
        this.rockRidge = rootSelf.hasSp() && rr;
        this.rootEntry = new IsoEntry("", null, List.of(rootRecord), root.systemUse().get(0), root, List.of(
                new IsoEntry.Extent(root.extent(), root.size())));
        buildLogical(rootEntry, new HashSet<>());
    }

    /** Opens and validates an image. The caller closes it. */
    public static IsoVolume open(Path path) throws IOException, IsoFormatException {
        return open(path, 0);
    }

    /** Opens the ISO 9660 session that starts {@code offset} bytes into the file (see {@link ImageFile#open(Path, long)}). */
    public static IsoVolume open(Path path, long offset) throws IOException, IsoFormatException {
        ImageFile image = ImageFile.open(path, offset);
        try {
            return new IsoVolume(image);
        } catch (IOException | IsoFormatException | RuntimeException e) {
            image.close();
            throw e;
        }
    }

    private static List<VolumeDescriptor> readDescriptors(ImageFile image) throws IOException, IsoFormatException {
        List<VolumeDescriptor> list = new ArrayList<>();
        for (int i = 0; i < MAX_DESCRIPTORS; i++) {
            long lba = 16 + i;
            if ((lba + 1) * ImageFile.BLOCK > image.size()) {
                throw new IsoFormatException(image.path(), "the volume descriptor set has no terminator before the end "
                        + "of the file: the image is truncated");
            }
            VolumeDescriptor d = new VolumeDescriptor(lba, image.readBlock(lba, "volume descriptor " + lba));
            if (!d.hasStandardId()) {
                if (i == 0) {
                    throw new IsoFormatException(image.path(), "no ISO 9660 signature \"CD001\" at byte 32769 (found \""
                            + Bytes.ascii(d.data(), 1, 5).replaceAll("[^\\x20-\\x7e]", "?")
                            + "\"): this is not an ISO 9660 image (a raw disk image, UDF-only or other format?)");
                }
                throw new IsoFormatException(image.path(), "volume descriptor at block " + lba
                        + " has no \"CD001\" signature and the set has no terminator before it");
            }
            list.add(d);
            if (d.type() == VolumeDescriptor.TYPE_TERMINATOR) {
                return list;
            }
        }
        throw new IsoFormatException(image.path(), "more than " + MAX_DESCRIPTORS
                + " volume descriptors without a terminator");
    }

    private void readDirectory(IsoDirectory dir) throws IOException, IsoFormatException {
        Path file = image.path();
        if (dir.size() > MAX_DIRECTORY_SIZE) {
            throw new IsoFormatException(file, "a directory at block " + dir.extent() + " claims " + dir.size()
                    + " bytes, more than any real directory");
        }
        image.checkExtent(dir.extent(), dir.size(), "the directory at block " + dir.extent());
        if (directoriesByExtent.putIfAbsent(dir.extent(), dir) != null) {
            throw new IsoFormatException(file, "the directory at block " + dir.extent()
                    + " is reached twice: the directory tree has a loop");
        }
        directories.add(dir);
        long blocks = dir.blocks();
        for (long b = 0; b < blocks; b++) {
            long blockStart = (dir.extent() + b) * ImageFile.BLOCK;
            int limit = (int) Math.min(ImageFile.BLOCK, dir.size() - b * ImageFile.BLOCK);
            byte[] block = image.read(blockStart, ImageFile.BLOCK, "directory block");
            int p = 0;
            while (p < limit) {
                int len = Bytes.u8(block, p);
                if (len == 0) {
                    break; // the rest of the block is padding
                }
                if (len < DirectoryRecord.MIN_LENGTH || p + len > ImageFile.BLOCK
                        || 33 + Bytes.u8(block, p + 32) > len) {
                    throw new IsoFormatException(file, "a damaged directory record at byte " + (blockStart + p)
                            + " (length " + len + ") in the directory at block " + dir.extent());
                }
                byte[] rec = new byte[len];
                System.arraycopy(block, p, rec, 0, len);
                dir.records().add(new DirectoryRecord(rec, blockStart + p));
                p += len;
            }
        }
        if (dir.records().size() < 2 || !dir.records().get(0).isSelf() || !dir.records().get(1).isParent()) {
            throw new IsoFormatException(file, "the directory at block " + dir.extent()
                    + " does not start with its \".\" and \"..\" records");
        }
    }

    private void walkPhysical(boolean susp) throws IOException, IsoFormatException {
        ArrayDeque<IsoDirectory> queue = new ArrayDeque<>();
        queue.add(root);
        while (!queue.isEmpty()) {
            IsoDirectory dir = queue.poll();
            if (dir != root) {
                for (DirectoryRecord r : dir.records()) {
                    dir.systemUse().add(susp ? SystemUse.parse(image, r, suspSkip) : new SystemUse());
                }
            }
            for (DirectoryRecord r : dir.records()) {
                if (r.isSelf() || r.isParent() || !r.isDirectory()) {
                    continue;
                }
                IsoDirectory child = new IsoDirectory(r.extent(), r.dataLength(), dir, r);
                readDirectory(child);
                dir.subdirectories().add(child);
                queue.add(child);
            }
        }
    }

    private void buildLogical(IsoEntry entry, Set<Long> onPath) throws IsoFormatException {
        IsoDirectory dir = entry.directory();
        if (!onPath.add(dir.extent())) {
            throw new IsoFormatException(image.path(), "the Rock Ridge tree has a loop at " + entry.path());
        }
        List<DirectoryRecord> recs = dir.records();
        List<SystemUse> sus = dir.systemUse();
        Map<String, IsoEntry> children = new LinkedHashMap<>();
        for (int i = 2; i < recs.size(); i++) {
            DirectoryRecord first = recs.get(i);
            SystemUse su = sus.get(i);
            List<DirectoryRecord> group = new ArrayList<>();
            List<IsoEntry.Extent> extents = new ArrayList<>();
            group.add(first);
            extents.add(new IsoEntry.Extent(first.extent(), first.dataLength()));
            while (recs.get(i).isMultiExtent() && i + 1 < recs.size()
                    && java.util.Arrays.equals(recs.get(i + 1).identifier(), first.identifier())) {
                i++;
                group.add(recs.get(i));
                extents.add(new IsoEntry.Extent(recs.get(i).extent(), recs.get(i).dataLength()));
            }
            if (recs.get(i).isMultiExtent()) {
                throw new IsoFormatException(image.path(), "the multi-extent file " + first.identifierText(false)
                        + " in the directory at block " + dir.extent() + " has no final extent");
            }
            if (rockRidge && su.relocated()) {
                continue; // shown at the place its CL entry names
            }
            String name = rockRidge && su.name() != null ? su.name() : isoName(first.identifierText(false));
            IsoDirectory childDir = null;
            if (rockRidge && su.childLink() >= 0) {
                childDir = directoriesByExtent.get(su.childLink());
                if (childDir == null) {
                    throw new IsoFormatException(image.path(), "the relocated directory " + name
                            + " points at block " + su.childLink() + ", where there is no directory");
                }
            } else if (first.isDirectory()) {
                childDir = directoriesByExtent.get(first.extent());
            } else {
                for (IsoEntry.Extent e : extents) {
                    image.checkExtent(e.lba(), e.length(), "the file " + entry.path() + "/" + name);
                }
            }
            IsoEntry child = new IsoEntry(name, entry, group, su, childDir,
                    childDir == null ? extents : List.of(new IsoEntry.Extent(childDir.extent(), childDir.size())));
            children.putIfAbsent(name, child);
        }
        entry.childMap().putAll(children);
        for (IsoEntry c : children.values()) {
            if (c.isDirectory()) {
                buildLogical(c, onPath);
            }
        }
        onPath.remove(dir.extent());
    }

    /** An ISO 9660 identifier without its version (";1") and without a trailing dot. */
    public static String isoName(String identifier) {
        String n = identifier;
        int semi = n.lastIndexOf(';');
        if (semi >= 0) {
            n = n.substring(0, semi);
        }
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        return n;
    }

    public ImageFile image() {
        return image;
    }

    public Path path() {
        return image.path();
    }

    public List<VolumeDescriptor> descriptors() {
        return Collections.unmodifiableList(descriptors);
    }

    public VolumeDescriptor primary() {
        return primary;
    }

    /** The El Torito boot record, or null. */
    public VolumeDescriptor bootRecord() {
        for (VolumeDescriptor d : descriptors) {
            if (d.isElTorito()) {
                return d;
            }
        }
        return null;
    }

    /** A damaged El Torito boot record ({@link VolumeDescriptor#isDamagedElTorito}) when there is no valid one. */
    public VolumeDescriptor damagedBootRecord() {
        if (bootRecord() != null) {
            return null;
        }
        for (VolumeDescriptor d : descriptors) {
            if (d.isDamagedElTorito()) {
                return d;
            }
        }
        return null;
    }

    public boolean hasJoliet() {
        return descriptors.stream().anyMatch(VolumeDescriptor::isJoliet);
    }

    public String volumeId() {
        return primary.volumeId();
    }

    public IsoDirectory rootDirectory() {
        return root;
    }

    /** Every physical directory, breadth first (the path table order). */
    public List<IsoDirectory> directories() {
        return Collections.unmodifiableList(directories);
    }

    public IsoDirectory directoryAt(long extent) {
        return directoriesByExtent.get(extent);
    }

    public boolean rockRidge() {
        return rockRidge;
    }

    public int suspSkip() {
        return suspSkip;
    }

    public IsoEntry root() {
        return rootEntry;
    }

    /** Looks up an absolute path ("/boot/bzImage"); null when absent. Exact, case-sensitive names. */
    public IsoEntry find(String path) {
        return find(path, false);
    }

    /** Like {@link #find} but matches each component case-insensitively when there is no exact match. */
    public IsoEntry findIgnoringCase(String path) {
        return find(path, true);
    }

    private IsoEntry find(String path, boolean ignoreCase) {
        IsoEntry e = rootEntry;
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (e == null || !e.isDirectory()) {
                return null;
            }
            IsoEntry next = e.child(part);
            if (next == null && ignoreCase) {
                next = e.childMap().values().stream().filter(c -> c.name().equalsIgnoreCase(part)).findFirst()
                        .orElse(null);
            }
            e = next;
        }
        return e;
    }

    /** The non-empty file whose data starts at block {@code lba} (an El Torito image, say), or null. */
    public IsoEntry fileAt(long lba) {
        for (IsoEntry e : walk()) {
            if (!e.isDirectory() && !e.extents().isEmpty() && e.extents().get(0).lba() == lba && e.size() > 0) {
                return e;
            }
        }
        return null;
    }

    /** The whole content of a (small) file, all extents joined. */
    public byte[] read(IsoEntry e) throws IOException, IsoFormatException {
        if (e.size() > Integer.MAX_VALUE - 16) {
            throw new IOException(e.path() + " is too large to read into memory");
        }
        byte[] out = new byte[(int) e.size()];
        int p = 0;
        for (IsoEntry.Extent x : e.extents()) {
            byte[] part = image.read(x.lba() * ImageFile.BLOCK, (int) x.length(), e.path());
            System.arraycopy(part, 0, out, p, part.length);
            p += part.length;
        }
        return out;
    }

    /** All entries below the root, depth first, in name order. */
    public List<IsoEntry> walk() {
        List<IsoEntry> out = new ArrayList<>();
        ArrayDeque<IsoEntry> stack = new ArrayDeque<>();
        stack.push(rootEntry);
        while (!stack.isEmpty()) {
            IsoEntry e = stack.pop();
            if (e != rootEntry) {
                out.add(e);
            }
            if (e.isDirectory()) {
                List<IsoEntry> cs = e.children();
                for (int i = cs.size() - 1; i >= 0; i--) {
                    stack.push(cs.get(i));
                }
            }
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        image.close();
    }
}
