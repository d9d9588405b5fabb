package org.nixusb.remaster;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.nixusb.BadInputException;
import org.nixusb.BuildLog;
import org.nixusb.binary.Bytes;
import org.nixusb.checksum.XorrisoChecksumArray;
import org.nixusb.checksum.XorrisoMd5Tags;
import org.nixusb.eltorito.BootCatalog;
import org.nixusb.eltorito.BootRecord;
import org.nixusb.eltorito.CatalogEntry;
import org.nixusb.hybrid.PartitionTable;
import org.nixusb.hybrid.PositionedWrite;
import org.nixusb.iso9660.ImageEdit;
import org.nixusb.iso9660.ImageFile;
import org.nixusb.iso9660.IsoDirectory;
import org.nixusb.iso9660.IsoEntry;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.iso9660.VolumeDescriptor;
import org.nixusb.output.FileContent;
import org.nixusb.output.ImageDelta;

/**
 * Adds files to a source that already boots from a USB stick while keeping its maker's layout: the boot
 * code in sector 0, every partition's slot, type, GUIDs and name, partitions appended after the volume
 * (moved behind the new data, so they stay appended and nothing overlaps), a second ISO 9660 session in a
 * partition (xorriso's {@code -partition_offset}, edited the same way, naming the same new data), and
 * xorriso's MD5 tags (recomputed; the session tag moves to the new end of the session, so it covers the
 * added files). Only what the added files need changes: the directories and descriptors they touch,
 * partition ends, the backup GPT.
 */
public final class LayoutKeepingEdit {
    private static final int BLOCK = ImageFile.BLOCK;
    private static final int SECTOR = 512;

    /** What the edit did, for the log and the result. */
    public record Result(long size, int sessionsEdited, long appendedMoved, int tagsRewritten, int partitionsResized) {
    }

    private final IsoVolume volume;
    private final BuildLog log;

    public LayoutKeepingEdit(IsoVolume volume, BuildLog log) {
        this.volume = volume;
        this.log = log;
    }

    /**
     * Plans the edit into {@code delta}: the files of {@code overlay} with time {@code mtime}.
     *
     * @param dropTags remove xorriso's MD5 tags instead of recomputing them (an isomd5sum implant follows,
     *        and the two cannot cover each other)
     */
    public Result write(Path overlay, Instant mtime, BootCatalog catalog, ImageDelta delta, boolean dropTags)
            throws IOException, BadInputException {
        return write(overlay, KeptConfigs.Edits.NONE, mtime, catalog, delta, dropTags);
    }

    /**
     * Plans the edit into {@code delta}: the files of {@code overlay}, then the kept configs' new contents
     * ({@code kept}), with time {@code mtime}.
     */
    Result write(Path overlay, KeptConfigs.Edits kept, Instant mtime, BootCatalog catalog, ImageDelta delta,
            boolean dropTags) throws IOException, BadInputException {
        Pass pass = new Pass(PartitionTable.read(volume.image()));
        pass.findAppended(catalog);
        pass.clearOldTrailers(delta);
        Map<VolumeDescriptor, Long> oldSpace = new HashMap<>();
        for (VolumeDescriptor d : volume.descriptors()) {
            oldSpace.put(d, d.volumeSpaceSize());
        }
        ImageEdit edit = pass.editSessions(overlay, kept, mtime, delta);
        if (pass.sessionTag != null && !dropTags) {
            pass.tagBlock = pass.end++;
        }
        pass.moveAppended(delta);
        pass.followCatalog(catalog, delta);
        pass.writeDescriptors(oldSpace, delta);
        int resized = pass.resizePartitions(delta);
        int rewritten = pass.rewriteTags(edit, delta, dropTags);
        return new Result(pass.newSectors * SECTOR, 1 + pass.sessions.size(), pass.a0 >= 0
                ? (pass.a1 - pass.a0) * SECTOR : 0, rewritten, resized);
    }

    /** One {@link #write}: what the source's layout is, then the writes that keep it around the added data. */
    private final class Pass {
        final ImageFile image = volume.image();
        final long oldSectors = image.size() / SECTOR;
        final PartitionTable table;
        final List<Long> sessions;
        final List<XorrisoMd5Tags.Tag> tags;
        final XorrisoMd5Tags.Tag sessionTag;
        /** the appended partitions' first sector and end, or -1 */
        long a0 = -1;
        long a1 = -1;
        /** the edited volume's end (blocks) */
        long end;
        long tagBlock = -1;
        /** how far the appended partitions move (sectors) */
        long shift;
        long newSectors;
        final Map<Long, List<VolumeDescriptor>> sessionDescriptors = new HashMap<>();

        Pass(PartitionTable table) throws IOException, BadInputException {
            this.table = table;
            this.sessions = secondSessions(table);
            this.tags = XorrisoMd5Tags.find(image);
            this.sessionTag = tags.stream().filter(t -> t.kind() == XorrisoMd5Tags.Kind.SESSION).findFirst()
                    .orElse(null);
        }

        /** Where the volume's data ends; partitions that start there or later were appended after it. */
        void findAppended(BootCatalog catalog) throws IOException, BadInputException {
            long dataEnd = dataEnd(volume) * 4;
            if (sessionTag != null) {
                dataEnd = Math.max(dataEnd, (sessionTag.block() + 1) * 4);
            }
            for (long s : sessions) {
                try (IsoVolume v = IsoVolume.open(volume.path(), s * SECTOR)) {
                    dataEnd = Math.max(dataEnd, s + dataEnd(v) * 4);
                }
            }
            List<PartitionTable.Partition> appended = table.appended(dataEnd, oldSectors);
            a0 = appended.stream().mapToLong(PartitionTable.Partition::start).min().orElse(-1);
            if (catalog != null) {
                for (CatalogEntry e : catalog.entries()) {
                    if (a0 < 0 || e.loadLba() * 4 < a0) {
                        dataEnd = Math.max(dataEnd, e.loadLba() * 4 + Math.max(4, e.sectorCount()));
                    }
                }
                appended = table.appended(dataEnd, oldSectors);
                a0 = appended.stream().mapToLong(PartitionTable.Partition::start).min().orElse(-1);
            }
            a1 = appended.stream().mapToLong(PartitionTable.Partition::end).max().orElse(-1);
        }

        /** The old backup GPT header and session tag go first, so that whatever lands on them later wins. */
        void clearOldTrailers(ImageDelta delta) throws IOException {
            long oldBackup = table.backupHeaderSector();
            if (oldBackup > 0 && (oldBackup + 1) * SECTOR <= image.size()) {
                delta.write(new byte[SECTOR], oldBackup * SECTOR);
            }
            if (sessionTag != null) {
                delta.write(new byte[BLOCK], sessionTag.block() * BLOCK);
            }
        }

        /** The edit of the volume, then the same edit of each second session, naming the same added data. */
        ImageEdit editSessions(Path overlay, KeptConfigs.Edits kept, Instant mtime, ImageDelta delta)
                throws IOException, BadInputException {
            ImageEdit edit = new ImageEdit(volume);
            ImageOverlay.addTo(edit, overlay, mtime, log);
            kept.addTo(edit, volume, overlay, mtime, log);
            if (a0 >= 0) {
                edit.appendFrom((a0 + 3) / 4);
            }
            end = edit.write(delta).volumeBlocks();
            for (long s : sessions) {
                long first = s / 4;
                try (IsoVolume v = IsoVolume.open(volume.path(), s * SECTOR)) {
                    ImageEdit second = new ImageEdit(v);
                    edit.replayInto(second, first);
                    second.appendFrom(end - first);
                    ImageDelta d = new ImageDelta(v.image().size());
                    end = second.write(d).volumeBlocks() + first;
                    delta.merge(d, s * SECTOR);
                    sessionDescriptors.put(s, v.descriptors());
                }
                log.info("Second ISO 9660 session in the partition at sector " + s + " (xorriso -partition_offset): "
                        + "edited the same way, naming the same added data");
            }
            return edit;
        }

        /** Appended partitions move behind the new data, keeping their alignment; the image ends aligned. */
        void moveAppended(ImageDelta delta) throws IOException {
            long dataSectors = end * 4;
            long newDataEnd = dataSectors;
            if (a0 >= 0) {
                long align = a0 % 2048 == 0 ? 2048 : 4;
                long newA0 = roundUp(Math.max(dataSectors, a0), align);
                shift = newA0 - a0;
                delta.write(new byte[(int) ((newA0 - dataSectors) * SECTOR)], dataSectors * SECTOR);
                if (shift != 0) {
                    delta.write(FileContent.ofRegions(image.channel(), List.of(new long[] {a0 * SECTOR + image.offset(),
                            (a1 - a0) * SECTOR})), newA0 * SECTOR);
                }
                newDataEnd = a1 + shift;
            }
            long align = oldSectors % 2048 == 0 ? 2048 : 4;
            newSectors = roundUp(newDataEnd + table.backupSectors(), align);
            long gapStart = Math.max(newDataEnd, a1 >= 0 ? a1 + shift : 0);
            long gapEnd = newSectors - table.backupSectors();
            if (gapEnd > gapStart && gapEnd - gapStart <= 4096) {
                delta.write(new byte[(int) ((gapEnd - gapStart) * SECTOR)], gapStart * SECTOR);
            }
            delta.extendTo(newSectors * SECTOR);
        }

        /** El Torito entries inside the moved partitions follow them. */
        void followCatalog(BootCatalog catalog, ImageDelta delta) throws IOException, BadInputException {
            if (shift != 0 && catalog != null && volume.bootRecord() != null) {
                long catalogLba = BootRecord.catalogLba(volume.bootRecord());
                byte[] c = image.readBlock(catalogLba, "the El Torito boot catalog");
                boolean changed = false;
                for (int off = 32; off + 32 <= BLOCK; off += 32) {
                    int id = c[off] & 0xFF;
                    long lba = Bytes.u32le(c, off + 8);
                    if ((id == 0x88 || id == 0x00) && lba * 4 >= a0 && lba * 4 < a1) {
                        Bytes.put32le(c, off + 8, lba + shift / 4);
                        changed = true;
                    }
                }
                if (changed) {
                    delta.write(c, catalogLba * BLOCK);
                }
            }
        }

        /**
         * The descriptors that covered the whole image (xorriso counts appended partitions) still do; the others
         * cover the new data and the session tag.
         */
        void writeDescriptors(Map<VolumeDescriptor, Long> oldSpace, ImageDelta delta) throws IOException {
            long coveredEnd = a1 >= 0 ? a1 : oldSectors;
            for (VolumeDescriptor d : volume.descriptors()) {
                if (d.type() != VolumeDescriptor.TYPE_PRIMARY && d.type() != VolumeDescriptor.TYPE_SUPPLEMENTARY) {
                    continue;
                }
                long before = oldSpace.get(d);
                d.setVolumeSpaceSize(before * 4 >= coveredEnd ? newSectors / 4 : Math.max(d.volumeSpaceSize(), end));
                delta.write(d.data(), d.lba() * BLOCK);
            }
        }

        /** Partition ends (and the backup GPT) for the new size; a partition's session says its partition's size. */
        int resizePartitions(ImageDelta delta) throws IOException {
            PartitionTable.Growth growth = new PartitionTable.Growth(a0, a1, shift, oldSectors, newSectors);
            int resized = 0;
            for (PartitionTable.Partition p : table.partitions()) {
                if (PartitionTable.newStart(p, growth) != p.start() || PartitionTable.newEnd(p, growth) != p.end()) {
                    resized++;
                    log.info("Keeping the source's layout: " + p.describe() + " now covers sectors "
                            + PartitionTable.newStart(p, growth) + ".." + PartitionTable.newEnd(p, growth));
                }
            }
            for (PositionedWrite w : table.resized(growth)) {
                delta.write(w.bytes(), w.position());
            }
            // a partition's session says the partition's size, as xorriso writes it (readers check that)
            for (Map.Entry<Long, List<VolumeDescriptor>> e : sessionDescriptors.entrySet()) {
                long s = e.getKey();
                PartitionTable.Partition p = table.partitions().stream().filter(x -> x.start() == s && !x.protective())
                        .findFirst().orElseThrow();
                for (VolumeDescriptor d : e.getValue()) {
                    if (d.type() == VolumeDescriptor.TYPE_PRIMARY || d.type() == VolumeDescriptor.TYPE_SUPPLEMENTARY) {
                        d.setVolumeSpaceSize((PartitionTable.newEnd(p, growth) - s) / 4);
                        delta.write(d.data(), s * SECTOR + d.lba() * BLOCK);
                    }
                }
            }
            return resized;
        }

        /** The superblock and tree tags, then the array (whose entry 0 covers them), then the session tag. */
        int rewriteTags(ImageEdit edit, ImageDelta delta, boolean dropTags) throws IOException, BadInputException {
            int rewritten = 0;
            if (!tags.isEmpty() && dropTags) {
                dropTags(tags, delta);
            } else if (!tags.isEmpty() && !inside(tags, delta.size())) {
                log.warn("The source's xorriso MD5 tags name ranges beyond the image (damaged): they are removed");
                for (XorrisoMd5Tags.Tag t : tags) {
                    delta.write(new byte[BLOCK], t.block() * BLOCK);
                }
            } else if (!tags.isEmpty()) {
                List<XorrisoMd5Tags.Tag> chain = chain(tags, tagBlock);
                for (XorrisoMd5Tags.Tag t : chain) {
                    if (t.kind() != XorrisoMd5Tags.Kind.SESSION) {
                        writeTag(t, delta);
                    }
                }
                if (!updateChecksumArray(edit, delta)) {
                    log.warn("The source's xorriso checksum array could not be read: xorriso -check_md5 compares the "
                            + "session with the old one and reports a mismatch");
                }
                for (XorrisoMd5Tags.Tag t : chain) {
                    if (t.kind() == XorrisoMd5Tags.Kind.SESSION) {
                        writeTag(t, delta);
                    }
                }
                rewritten = chain.size();
                log.info("Rewrote the source's xorriso MD5 tags (" + chain.stream().map(t -> t.kind() + " at block "
                        + t.block()).toList() + ") and checksum array: xorriso -check_md5 verifies the output");
            }
            return rewritten;
        }
    }

    /**
     * Brings xorriso's checksum array up to date: the MD5s of the replaced files, of the session up to the
     * array (entry 0, what {@code xorriso -check_md5} compares) and of the array. Added files get no entry
     * (xorriso notes that they have no MD5). False when the source has no array nixusb can read.
     */
    private boolean updateChecksumArray(ImageEdit edit, ImageDelta delta) throws IOException, BadInputException {
        XorrisoChecksumArray array = XorrisoChecksumArray.of(volume);
        if (array == null || array.start() < 0 || array.end() * BLOCK > delta.size()) {
            return false;
        }
        int n = array.count();
        long at = array.end() * BLOCK;
        if (at + (long) n * XorrisoChecksumArray.ENTRY > volume.image().size()) {
            return false;
        }
        byte[] entries = volume.image().read(at, n * XorrisoChecksumArray.ENTRY, "xorriso's checksum array");
        for (Map.Entry<IsoEntry, FileContent> r : edit.replacedFiles().entrySet()) {
            long i = XorrisoChecksumArray.index(r.getKey());
            if (i >= 1 && i < n - 1) {
                System.arraycopy(md5(r.getValue()), 0, entries, (int) i * XorrisoChecksumArray.ENTRY,
                        XorrisoChecksumArray.ENTRY);
            }
        }
        byte[] session = delta.digest(volume.image().channel(), "MD5", array.start() * BLOCK, array.end() * BLOCK,
                null);
        System.arraycopy(session, 0, entries, 0, XorrisoChecksumArray.ENTRY);
        byte[] all = md5(FileContent.of(java.util.Arrays.copyOf(entries, (n - 1) * XorrisoChecksumArray.ENTRY)));
        System.arraycopy(all, 0, entries, (n - 1) * XorrisoChecksumArray.ENTRY, XorrisoChecksumArray.ENTRY);
        delta.write(entries, at);
        return true;
    }

    private static byte[] md5(FileContent c) throws IOException {
        java.security.MessageDigest md;
        try {
            md = java.security.MessageDigest.getInstance("MD5");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[256 * 1024];
        for (long off = 0; off < c.size(); ) {
            int len = (int) Math.min(buf.length, c.size() - off);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(buf, 0, len);
            c.read(off, b);
            md.update(buf, 0, len);
            off += len;
        }
        return md.digest();
    }

    private static boolean inside(List<XorrisoMd5Tags.Tag> tags, long size) {
        for (XorrisoMd5Tags.Tag t : tags) {
            if (t.kind() != XorrisoMd5Tags.Kind.SESSION
                    && (t.rangeStart() < 0 || (t.rangeStart() + t.rangeSize()) * BLOCK > size || t.next() < 0)) {
                return false;
            }
            if (t.kind() == XorrisoMd5Tags.Kind.SESSION && t.rangeStart() < 0) {
                return false;
            }
        }
        return true;
    }

    private void dropTags(List<XorrisoMd5Tags.Tag> tags, ImageDelta delta) {
        for (XorrisoMd5Tags.Tag t : tags) {
            delta.write(new byte[BLOCK], t.block() * BLOCK);
        }
        log.warn("The source's xorriso MD5 tags (blocks " + tags.stream().map(XorrisoMd5Tags.Tag::block).toList()
                + ") are removed: the isomd5sum checksum implanted instead covers them, and they would cover it. "
                + "xorriso -check_md5 reports a session mismatch for the same reason (its checksum array covers the "
                + "primary volume descriptor, where the isomd5sum checksum goes)");
    }

    /** The tags as they will be: the session tag at {@code sessionBlock}, each {@code next} naming its successor. */
    private static List<XorrisoMd5Tags.Tag> chain(List<XorrisoMd5Tags.Tag> tags, long sessionBlock) {
        List<XorrisoMd5Tags.Tag> moved = new ArrayList<>();
        for (XorrisoMd5Tags.Tag t : tags) {
            moved.add(t.kind() == XorrisoMd5Tags.Kind.SESSION ? new XorrisoMd5Tags.Tag(t.kind(), sessionBlock,
                    t.rangeStart(), sessionBlock - t.rangeStart(), -1, null) : t);
        }
        List<XorrisoMd5Tags.Tag> out = new ArrayList<>();
        for (int i = 0; i < moved.size(); i++) {
            XorrisoMd5Tags.Tag t = moved.get(i);
            long next = i + 1 < moved.size() ? moved.get(i + 1).block() : t.next();
            out.add(new XorrisoMd5Tags.Tag(t.kind(), t.block(), t.rangeStart(), t.rangeSize(), next, null));
        }
        return out;
    }

    /** Writes a tag whose MD5 is computed over its range of the final bytes. */
    private void writeTag(XorrisoMd5Tags.Tag t, ImageDelta delta) throws IOException {
        byte[] md5 = delta.digest(volume.image().channel(), "MD5", t.rangeStart() * BLOCK,
                (t.rangeStart() + t.rangeSize()) * BLOCK, null);
        delta.write(XorrisoMd5Tags.encode(t, md5), t.block() * BLOCK);
    }

    /**
     * Sectors where a partition (not the one at sector 0, not the protective entry) holds an ISO 9660
     * session of its own: a primary volume descriptor 32 KiB into it.
     */
    private List<Long> secondSessions(PartitionTable table) throws IOException, BadInputException {
        TreeSet<Long> out = new TreeSet<>();
        for (PartitionTable.Partition p : table.partitions()) {
            long s = p.start();
            if (p.protective() || s <= 0 || s % 4 != 0 || (s * SECTOR + 17L * BLOCK) > volume.image().size()) {
                continue;
            }
            byte[] b = volume.image().read(s * SECTOR + 16L * BLOCK, 8, "a partition's volume descriptor");
            if (b[0] == 1 && "CD001".equals(Bytes.ascii(b, 1, 5))) {
                try (IsoVolume v = IsoVolume.open(volume.path(), s * SECTOR)) {
                    out.add(s);
                } catch (BadInputException damaged) {
                    log.warn("The partition at sector " + s + " starts like an ISO 9660 session but cannot be read ("
                            + damaged.getMessage() + "): it is left as it is and does not show the added files");
                }
            }
        }
        return new ArrayList<>(out);
    }

    /** The first block after everything a session's tree references: descriptors, path tables, directories, files. */
    public static long dataEnd(IsoVolume v) {
        long end = 0;
        for (VolumeDescriptor d : v.descriptors()) {
            end = Math.max(end, d.lba() + 1);
            if (d.type() == VolumeDescriptor.TYPE_PRIMARY || d.type() == VolumeDescriptor.TYPE_SUPPLEMENTARY) {
                long tableBlocks = (d.pathTableSize() + BLOCK - 1) / BLOCK;
                end = Math.max(end, d.lPathTableLba() + tableBlocks);
                end = Math.max(end, d.mPathTableLba() + tableBlocks);
            }
        }
        for (IsoDirectory d : v.directories()) {
            end = Math.max(end, d.extent() + d.blocks());
        }
        for (IsoEntry e : v.walk()) {
            for (IsoEntry.Extent x : e.extents()) {
                if (x.length() > 0) {
                    end = Math.max(end, x.lba() + (x.length() + BLOCK - 1) / BLOCK);
                }
            }
        }
        if (v.bootRecord() != null) {
            end = Math.max(end, BootRecord.catalogLba(v.bootRecord()) + 1);
        }
        return end;
    }

    private static long roundUp(long v, long to) {
        return (v + to - 1) / to * to;
    }
}
