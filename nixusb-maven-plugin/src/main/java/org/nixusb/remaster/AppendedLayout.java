package org.nixusb.remaster;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.nixusb.BadInputException;
import org.nixusb.binary.Bytes;
import org.nixusb.hybrid.AppendedSystemArea;
import org.nixusb.hybrid.IsohybridSystemArea;
import org.nixusb.hybrid.PartitionTable;
import org.nixusb.hybrid.PositionedWrite;
import org.nixusb.hybrid.SystemArea;
import org.nixusb.iso9660.BlockReferences;
import org.nixusb.iso9660.ImageFile;
import org.nixusb.iso9660.IsoFormatException;
import org.nixusb.output.FileContent;

/**
 * Turns a written image into {@link org.nixusb.hybrid.StickLayout#APPENDED}: a second ISO 9660 session whose block 0
 * is block 16 of the image (xorriso's {@code -partition_offset 16}), so that partition 1, from 32 KiB, is a file system
 * Linux mounts; the El Torito EFI image copied after the ISO data as the EFI System Partition; the MBR and GPT of
 * {@link AppendedSystemArea}.
 * <p>
 * The session's descriptors must lie at blocks 32 and 33, where an image that was not made for this holds path
 * tables, directories or file data. Whatever lies there moves to the end of the image, as one range with everything
 * that overlaps it, and every pointer into that range follows (descriptors, path tables, directory records of every
 * tree, Rock Ridge continuation areas and links, the boot catalog, El Torito entries, a boot info table). The
 * session's own tree is a copy of the primary tree's directories and path tables, appended, whose block numbers count
 * from the partition's start; file data and continuation areas are shared with the image's own tree.
 */
final class AppendedLayout {
    private static final int BLOCK = ImageFile.BLOCK;
    /** the partition's first block: its descriptors are at 16 + 16 */
    static final long SESSION_START = AppendedSystemArea.DATA_START / 4;

    /** What the system area needs, as the remaster planned it before this pass. */
    record Request(byte[] template, long bootLba, long mbrId, long[] efiRange, byte[] identity) {
    }

    /** What the pass did. */
    record Done(long size, long bootLba, List<String> log) {
    }

    private AppendedLayout() {
    }

    static Done apply(Path file, FileChannel out, Request req) throws IOException, BadInputException {
        List<String> log = new ArrayList<>();
        long[] efi = req.efiRange() == null ? null : req.efiRange().clone();
        Moved moved = moveOutOfTheWay(file, out, req.bootLba(), efi, log);
        BlockReferences refs;
        try (ImageFile image = ImageFile.open(file)) {
            refs = BlockReferences.scan(image);
        } catch (IsoFormatException e) {
            throw new IllegalStateException("the image no longer reads after moving blocks out of the way", e);
        }
        long sessionFrom = moved.appendAt();
        long appendAt = writeSessionTree(file, out, refs, sessionFrom);
        // partition 1 ends on a 32 KiB boundary (sgdisk's caution for disk encryption tools)
        long isoEnd = (appendAt + 15) / 16 * 16;
        zero(out, appendAt * BLOCK, (isoEnd - appendAt) * BLOCK);
        // the image's own descriptors: the volume now ends after the session's tree
        for (long lba = 16; lba < refs.descriptorsEnd; lba++) {
            byte[] d = read(out, lba * BLOCK, BLOCK);
            int type = Bytes.u8(d, 0);
            if (type == 1 || type == 2) {
                Bytes.put32both(d, 80, isoEnd);
                out.write(ByteBuffer.wrap(d, 80, 8), lba * BLOCK + 80);
            }
        }
        long first = SESSION_START + 16;
        log.add(String.format("Appended layout: partition 1's ISO 9660 session: descriptors at blocks %d-%d, its "
                + "directories and path tables at blocks %d-%d (a copy of the primary tree's, block numbers counted "
                + "from block %d; file data shared)", first, first + 1, sessionFrom, isoEnd - 1, SESSION_START));
        long dataEnd = isoEnd * 4;
        long[] esp = efi == null ? null : copyEsp(out, refs, efi, dataEnd, log);
        SystemArea area = AppendedSystemArea.of(req.template(), dataEnd, moved.bootLba(), req.mbrId(), esp,
                req.identity());
        if (out.size() > area.size()) {
            out.truncate(area.size());
        }
        zero(out, Math.min(out.size(), area.size()), area.size() - Math.min(out.size(), area.size()));
        for (PositionedWrite w : area.writes()) {
            out.write(ByteBuffer.wrap(w.bytes()), w.position());
        }
        log.add(area.summary());
        return new Done(area.size(), moved.bootLba(), log);
    }

    /** Where the image's end is after {@link #moveOutOfTheWay}, and where the BIOS boot image went. */
    private record Moved(long appendAt, long bootLba) {
    }

    /**
     * Moves whatever lies at blocks 32-33 (the session's descriptors' place), with everything that overlaps it, to the
     * end of the image, and points every reference at the new place ({@code efi}'s first sector follows in place).
     */
    private static Moved moveOutOfTheWay(Path file, FileChannel out, long bootLba, long[] efi, List<String> log)
            throws IOException, BadInputException {
        long appendAt = (out.size() + BLOCK - 1) / BLOCK;
        long first = SESSION_START + 16;
        long end = first + 2;
        BlockReferences refs;
        try (ImageFile image = ImageFile.open(file)) {
            refs = BlockReferences.scan(image);
        } catch (IsoFormatException e) {
            throw new BadInputException(file, "the written image cannot be read back for the appended layout ("
                    + e.getMessage() + ")", "Use another layout (gpt, mbr or isohybrid)");
        }
        if (refs.descriptorsEnd > first) {
            throw new BadInputException(file, "the image has " + (refs.descriptorsEnd - 16) + " volume descriptors, "
                    + "reaching block " + (refs.descriptorsEnd - 1) + ", where the appended layout's second session "
                    + "must start (block " + first + ")", "Use the gpt layout, which needs no second session");
        }
        // the range to move: everything that overlaps blocks 32-33, and everything that overlaps that
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        boolean grown = true;
        List<String> moved = new ArrayList<>();
        while (grown) {
            grown = false;
            for (BlockReferences.Use u : refs.uses) {
                long a = u.firstBlock();
                long b = u.endBlock();
                boolean hits = a < end && b > first || lo != Long.MAX_VALUE && a < hi && b > lo;
                if (hits && (a < lo || b > hi)) {
                    lo = Math.min(lo, a);
                    hi = Math.max(hi, b);
                    grown = true;
                }
            }
        }
        if (lo != Long.MAX_VALUE) {
            if (lo < refs.descriptorsEnd) {
                throw new BadInputException(file, "data at blocks " + first + "-" + (end - 1) + " reaches back into "
                        + "the volume descriptors", "Use the gpt layout, which needs no second session");
            }
            for (BlockReferences.Use u : refs.uses) {
                if (u.firstBlock() < hi && u.endBlock() > lo && !moved.contains(u.what())) {
                    moved.add(u.what());
                }
            }
            long delta = appendAt - lo;
            copy(out, lo * BLOCK, appendAt * BLOCK, (hi - lo) * BLOCK);
            for (BlockReferences.Pointer p : refs.pointersInto(lo, hi)) {
                long at = p.position() >= lo * BLOCK && p.position() < hi * BLOCK ? p.position() + delta * BLOCK
                        : p.position();
                put(out, at, p.encoding(), p.block() + delta);
            }
            zero(out, lo * BLOCK, (hi - lo) * BLOCK);
            if (bootLba >= lo && bootLba < hi) {
                bootLba += delta;
            }
            if (efi != null && efi[0] / 4 >= lo && efi[0] / 4 < hi) {
                efi[0] += delta * 4;
            }
            log.add(String.format("Appended layout: moved blocks %d-%d (%s) to block %d, out of the way of the "
                    + "partition's volume descriptors at blocks %d-%d", lo, hi - 1, String.join(", ", moved),
                    appendAt, first, end - 1));
            appendAt += hi - lo;
        }
        return new Moved(appendAt, bootLba);
    }

    /**
     * Copies the El Torito EFI image ({@code efi}: first sector, sectors) after the ISO data as the ESP, a whole number
     * of 32 KiB, and points the El Torito EFI entry at it.
     *
     * @return the ESP's first sector and length in sectors
     */
    private static long[] copyEsp(FileChannel out, BlockReferences refs, long[] efi, long dataEnd, List<String> log)
            throws IOException {
        // the partition a whole number of 32 KiB: the FAT file system inside keeps its own size
        long[] esp = new long[] {AppendedSystemArea.espStart(dataEnd), (efi[1] + 63) / 64 * 64};
        zero(out, dataEnd * 512, (esp[0] - dataEnd) * 512);
        copy(out, efi[0] * 512, esp[0] * 512, efi[1] * 512);
        zero(out, (esp[0] + efi[1]) * 512, (esp[1] - efi[1]) * 512);
        // El Torito's EFI entry names the ESP, as Ubuntu's does: one image for CD and stick (the file in the tree
        // keeps its bytes)
        for (BlockReferences.Pointer p : refs.pointers) {
            if (p.kind() == BlockReferences.Kind.BOOT_IMAGE && p.block() * 4 == efi[0]) {
                put(out, p.position(), p.encoding(), esp[0] / 4);
            }
        }
        log.add(String.format("Appended layout: the El Torito EFI entry now loads the ESP (block %d), a copy of "
                + "the EFI image at block %d", esp[0] / 4, efi[0] / 4));
        return esp;
    }

    /**
     * Writes the partition's session from block {@code at} on: the primary tree's directories and path tables with
     * block numbers relative to {@link #SESSION_START}, and its primary descriptor and terminator at blocks 32-33.
     *
     * @return the block after what was written
     */
    private static long writeSessionTree(Path file, FileChannel out, BlockReferences refs, long at)
            throws IOException, BadInputException {
        for (BlockReferences.Pointer p : refs.pointers) {
            if (p.kind() == BlockReferences.Kind.LINK && !inAnyDirectory(refs, p.position())) {
                throw new BadInputException(file, "a Rock Ridge link (CL or PL) lies in a continuation area, which the "
                        + "appended layout's second session would share with the image's own tree",
                        "Use the gpt layout, which needs no second session");
            }
        }
        Map<Long, Long> placed = new HashMap<>();
        long next = at;
        for (long[] d : refs.primaryDirectories) {
            placed.put(d[0], next);
            next += (d[1] + BLOCK - 1) / BLOCK;
        }
        for (long[] d : refs.primaryDirectories) {
            long from = d[0] * BLOCK;
            long to = from + d[1];
            long shift = (placed.get(d[0]) - d[0]) * BLOCK;
            byte[] bytes = read(out, from, (int) d[1]);
            for (BlockReferences.Pointer p : refs.pointers) {
                if (p.position() < from || p.position() >= to) {
                    continue;
                }
                int i = (int) (p.position() - from);
                long v = relative(p, placed, file);
                Bytes.put32both(bytes, i, v);
                if (p.kind() == BlockReferences.Kind.FILE && v == 0 && p.size() > 0) {
                    Bytes.put32both(bytes, i + 8, 0); // data before the partition: an empty file there
                }
            }
            out.write(ByteBuffer.wrap(bytes), from + shift);
        }
        // the path tables: the primary descriptor's, rows pointing at the copied directories
        byte[] pvd = read(out, 16L * BLOCK, BLOCK);
        long tableSize = Bytes.u32le(pvd, 132);
        long[] tables = {Bytes.u32le(pvd, 140), Bytes.u32be(pvd, 148)};
        long[] newTables = new long[2];
        for (int t = 0; t < 2; t++) {
            newTables[t] = next;
            if (tables[t] == 0 || tableSize == 0) {
                continue;
            }
            byte[] table = read(out, tables[t] * BLOCK, (int) tableSize);
            int i = 0;
            while (i + 8 <= table.length && Bytes.u8(table, i) > 0) {
                long ext = t == 0 ? Bytes.u32le(table, i + 2) : Bytes.u32be(table, i + 2);
                Long np = placed.get(ext);
                long v = (np != null ? np : ext) - SESSION_START;
                if (t == 0) {
                    Bytes.put32le(table, i + 2, v);
                } else {
                    Bytes.put32be(table, i + 2, v);
                }
                int n = Bytes.u8(table, i);
                i += 8 + n + (n & 1);
            }
            out.write(ByteBuffer.wrap(table), next * BLOCK);
            next += (tableSize + BLOCK - 1) / BLOCK;
        }
        long root = Bytes.u32le(pvd, 158);
        Bytes.put32both(pvd, 158, placed.get(root) - SESSION_START);
        Bytes.put32both(pvd, 80, next - SESSION_START);
        Bytes.put32le(pvd, 140, newTables[0] - SESSION_START);
        Bytes.put32le(pvd, 144, 0);
        Bytes.put32be(pvd, 148, newTables[1] - SESSION_START);
        Bytes.put32be(pvd, 152, 0);
        byte[] terminator = new byte[BLOCK];
        terminator[0] = (byte) 0xFF;
        System.arraycopy("CD001".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, terminator, 1, 5);
        terminator[6] = 1;
        out.write(ByteBuffer.wrap(pvd), (SESSION_START + 16) * BLOCK);
        out.write(ByteBuffer.wrap(terminator), (SESSION_START + 17) * BLOCK);
        long len = next * BLOCK;
        if (out.size() < len) {
            zero(out, out.size(), len - out.size());
        }
        return next;
    }

    private static boolean inAnyDirectory(BlockReferences refs, long position) {
        for (long[] d : refs.primaryDirectories) {
            if (position >= d[0] * BLOCK && position < d[0] * BLOCK + d[1]) {
                return true;
            }
        }
        return false;
    }

    /** A pointer of the primary tree as the partition's session sees it. */
    private static long relative(BlockReferences.Pointer p, Map<Long, Long> placed, Path file) {
        switch (p.kind()) {
            case DIRECTORY, LINK -> {
                Long np = placed.get(p.block());
                return (np != null ? np : p.block()) - SESSION_START;
            }
            case FILE -> {
                return p.size() == 0 || p.block() < SESSION_START ? 0 : p.block() - SESSION_START;
            }
            default -> {
                return Math.max(0, p.block() - SESSION_START);
            }
        }
    }

    private static void put(FileChannel out, long at, BlockReferences.Encoding e, long v) throws IOException {
        byte[] b = new byte[e == BlockReferences.Encoding.BOTH ? 8 : 4];
        switch (e) {
            case LE -> Bytes.put32le(b, 0, v);
            case BE -> Bytes.put32be(b, 0, v);
            case BOTH -> Bytes.put32both(b, 0, v);
        }
        out.write(ByteBuffer.wrap(b), at);
    }

    private static byte[] read(FileChannel in, long at, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        FileContent.readFully(in, at, b);
        return b.array();
    }

    static void copy(FileChannel out, long from, long to, long length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(1 << 20);
        for (long done = 0; done < length;) {
            b.clear().limit((int) Math.min(b.capacity(), length - done));
            FileContent.readFully(out, from + done, b);
            b.flip();
            while (b.hasRemaining()) {
                done += out.write(b, to + done);
            }
        }
    }

    private static void zero(FileChannel out, long at, long length) throws IOException {
        ByteBuffer z = ByteBuffer.allocate((int) Math.min(1 << 20, Math.max(length, 1)));
        for (long done = 0; done < length;) {
            z.clear().limit((int) Math.min(z.capacity(), length - done));
            while (z.hasRemaining()) {
                done += out.write(z, at + done);
            }
        }
    }
}
