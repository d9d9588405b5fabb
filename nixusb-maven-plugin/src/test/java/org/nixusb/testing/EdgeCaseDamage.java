package org.nixusb.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;

import org.nixusb.binary.Bytes;

/**
 * Byte-level damage to one field of a genisoimage {@code -R -J} image with a BIOS and an EFI El Torito
 * entry (descriptors: primary at 16, boot record at 17, Joliet at 18, terminator at 19). Each damage
 * finds its field by reading the image the way the standard lays it out, then overwrites it.
 */
public record EdgeCaseDamage(String name, Damage how, Outcome expected, String words) {
    /**
     * What the remaster must do with the damage: refuse the source with a message holding {@code words} (the
     * field) and the cure; keep it with a repair warning holding {@code words}; or keep it without a word, the
     * damage being harmless to the remaster ({@code words} says why).
     */
    public enum Outcome { REFUSED, REPAIRED, KEPT }

    /** Changes an image file in place. */
    @FunctionalInterface
    public interface Damage {
        void apply(RandomAccessFile f) throws IOException;
    }

    private static final int BLOCK = 2048;
    private static final long PVD = 16L * BLOCK;
    private static final long BR = 17L * BLOCK;
    private static final long SVD = 18L * BLOCK;
    private static final long TERM = 19L * BLOCK;

    public void apply(Path iso) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(iso.toFile(), "rw")) {
            how.apply(f);
        }
    }

    public static final List<EdgeCaseDamage> ALL = List.of(
            new EdgeCaseDamage("pvd-type", f -> put(f, PVD, 3), Outcome.REFUSED, "the volume descriptor set has no primary volume descriptor"),
            new EdgeCaseDamage("pvd-signature", f -> put(f, PVD + 5, '2'), Outcome.REFUSED, "no ISO 9660 signature \"CD001\" at byte 32769"),
            new EdgeCaseDamage("pvd-version", f -> put(f, PVD + 6, 2), Outcome.REPAIRED, "Volume descriptor at block 16: version 2"),
            new EdgeCaseDamage("pvd-file-structure-version", f -> put(f, PVD + 881, 2), Outcome.REPAIRED, "Volume descriptor at block 16: file structure version 2"),
            new EdgeCaseDamage("pvd-block-size", f -> both16(f, PVD + 128, 512), Outcome.REFUSED, "the logical block size is 512 bytes"),
            new EdgeCaseDamage("pvd-block-size-be-only", f -> putBe16(f, PVD + 130, 4096), Outcome.KEPT, "readers take the little-endian copy, which is right"),
            new EdgeCaseDamage("pvd-volume-size-huge", f -> both32(f, PVD + 80, 0x7FFFFFF0L), Outcome.REFUSED, "the primary volume descriptor says the volume has 2147483632 blocks"),
            new EdgeCaseDamage("pvd-volume-size-small", f -> both32(f, PVD + 80, 20), Outcome.KEPT, "the output's descriptors get the size the remaster lays out"),
            new EdgeCaseDamage("pvd-volume-size-be-only", f -> putBe32(f, PVD + 84, 1), Outcome.KEPT, "readers take the little-endian copy, which is right"),
            new EdgeCaseDamage("pvd-path-table-size", f -> both32(f, PVD + 132, 0x00FFFFFF), Outcome.KEPT, "the output's path tables are written anew"),
            new EdgeCaseDamage("pvd-path-table-lba", f -> putLe32(f, PVD + 140, 0x00FFFFFF), Outcome.KEPT, "the output's path tables are written anew"),
            new EdgeCaseDamage("pvd-root-extent", f -> both32(f, PVD + 156 + 2, 0x00FFFFFF), Outcome.REFUSED, "the directory at block 16777215"),
            new EdgeCaseDamage("pvd-root-length", f -> put(f, PVD + 156, 0), Outcome.KEPT, "the root record's length byte is rewritten with the root"),
            new EdgeCaseDamage("pvd-root-size-zero", f -> both32(f, PVD + 156 + 10, 0), Outcome.REFUSED, "the root directory record in the primary volume descriptor is damaged"),
            new EdgeCaseDamage("pvd-root-not-directory", f -> put(f, PVD + 156 + 25, 0), Outcome.REFUSED, "the root directory record in the primary volume descriptor is damaged"),
            new EdgeCaseDamage("pvd-volume-id-garbage", f -> write(f, PVD + 40, new byte[] {(byte) 0xFF, 0, 'a', 7}), Outcome.KEPT, "an odd volume id is a valid input, kept as it is"),
            new EdgeCaseDamage("pvd-volume-set-size-zero", f -> both16(f, PVD + 120, 0), Outcome.KEPT, "no reader uses the volume set size"),
            new EdgeCaseDamage("boot-record-version", f -> put(f, BR + 6, 2), Outcome.REPAIRED, "The El Torito boot record at block 17 is damaged (version 2"),
            new EdgeCaseDamage("boot-record-system-id", f -> put(f, BR + 7, 'Z'), Outcome.REPAIRED, "The El Torito boot record at block 17 is damaged (version 1, system identifier 'ZL TORITO"),
            new EdgeCaseDamage("boot-record-signature", f -> put(f, BR + 1, 'X'), Outcome.REFUSED, "volume descriptor at block 17 has no \"CD001\" signature"),
            new EdgeCaseDamage("boot-record-catalog-beyond-end", f -> putLe32(f, BR + 71, 0x00FFFFFF), Outcome.REPAIRED, "The El Torito boot catalog at block 16777215 is damaged"),
            new EdgeCaseDamage("boot-record-catalog-at-pvd", f -> putLe32(f, BR + 71, 16), Outcome.REPAIRED, "The El Torito boot catalog at block 16 is damaged"),
            new EdgeCaseDamage("catalog-header-id", f -> put(f, catalog(f), 2), Outcome.REPAIRED, "the El Torito validation entry is invalid"),
            new EdgeCaseDamage("catalog-key-bytes", f -> put(f, catalog(f) + 30, 0x54), Outcome.REPAIRED, "the El Torito validation entry is invalid"),
            new EdgeCaseDamage("catalog-checksum", f -> put(f, catalog(f) + 28, 0x12), Outcome.REPAIRED, "the El Torito validation entry is invalid"),
            new EdgeCaseDamage("catalog-default-not-bootable", f -> put(f, catalog(f) + 32, 0x00), Outcome.KEPT, "the BIOS entry is replaced by isolinux.bin's"),
            new EdgeCaseDamage("catalog-default-media-type", f -> put(f, catalog(f) + 33, 0x07), Outcome.KEPT, "the BIOS entry is replaced by isolinux.bin's"),
            new EdgeCaseDamage("catalog-default-lba-beyond-end", f -> putLe32(f, catalog(f) + 40, 0x00FFFFFF), Outcome.KEPT, "the BIOS entry is replaced by isolinux.bin's"),
            new EdgeCaseDamage("catalog-default-count-zero", f -> write(f, catalog(f) + 38, new byte[2]), Outcome.KEPT, "the BIOS entry is replaced by isolinux.bin's"),
            new EdgeCaseDamage("catalog-section-header-garbage", f -> put(f, catalog(f) + 64, 0x42), Outcome.KEPT, "readers skip a section header they do not know"),
            new EdgeCaseDamage("catalog-efi-lba-beyond-end", f -> putLe32(f, catalog(f) + 96 + 8, 0x00FFFFFF), Outcome.REPAIRED, "El Torito: the UEFI entry points at block 16777215, beyond the end of the image"),
            new EdgeCaseDamage("joliet-version", f -> put(f, SVD + 6, 7), Outcome.REPAIRED, "Volume descriptor at block 18: version 7"),
            new EdgeCaseDamage("joliet-escapes", f -> write(f, SVD + 88, new byte[] {'%', '/', 'Q'}), Outcome.KEPT, "the Joliet tree is passed on as it is"),
            new EdgeCaseDamage("joliet-root-extent", f -> both32(f, SVD + 156 + 2, 0x00FFFFFF), Outcome.REFUSED, "the Joliet volume descriptor at block 18 has a damaged root directory record"),
            new EdgeCaseDamage("joliet-volume-size", f -> both32(f, SVD + 80, 5), Outcome.KEPT, "the output's descriptors get the size the remaster lays out"),
            new EdgeCaseDamage("terminator-version", f -> put(f, TERM + 6, 0), Outcome.REPAIRED, "Volume descriptor at block 19: version 0"),
            new EdgeCaseDamage("terminator-missing", f -> put(f, TERM, 4), Outcome.REFUSED, "volume descriptor at block 20 has no \"CD001\" signature"),
            new EdgeCaseDamage("root-record-length-overrun", f -> put(f, rootRecord(f, 2), 0xFF), Outcome.REFUSED, "a damaged directory record at byte"),
            new EdgeCaseDamage("root-record-extent-beyond-end", f -> both32(f, rootRecord(f, 2) + 2, 0x00FFFFFF), Outcome.REFUSED, "the directory at block 16777215"),
            new EdgeCaseDamage("root-record-size-huge", f -> both32(f, rootRecord(f, 2) + 10, 0x7FFFFFFFL), Outcome.REFUSED, "claims 2147483647 bytes, more than any real directory"),
            new EdgeCaseDamage("root-record-name-length", f -> put(f, rootRecord(f, 2) + 32, 0xF0), Outcome.REFUSED, "a damaged directory record at byte"),
            new EdgeCaseDamage("root-self-record-missing", f -> put(f, rootRecord(f, 0) + 33, 0x41), Outcome.REFUSED, "does not start with its \".\" and \"..\" records"),
            new EdgeCaseDamage("root-susp-sp-garbage", f -> put(f, rootRecord(f, 0) + 34, 'Q'), Outcome.KEPT, "the system use area is passed on as it is"),
            new EdgeCaseDamage("root-rr-nm-length", f -> damageSystemUse(f, "NM", 2, 0xFE), Outcome.KEPT, "the system use area is passed on as it is"),
            new EdgeCaseDamage("root-rr-px-length", f -> damageSystemUse(f, "PX", 2, 3), Outcome.KEPT, "the system use area is passed on as it is"),
            new EdgeCaseDamage("root-rr-nm-length-4", f -> damageSystemUse(f, "NM", 2, 4), Outcome.KEPT, "the system use area is passed on as it is"),
            new EdgeCaseDamage("pvd-root-size-not-whole-blocks", f -> both32(f, PVD + 156 + 10, 1024), Outcome.KEPT, "the root is rewritten in whole blocks"),
            new EdgeCaseDamage("root-rr-ce-beyond-end", f -> damageSystemUse(f, "NM", 0, 'C'), Outcome.REFUSED, "a Rock Ridge continuation area lies at bytes"),
            new EdgeCaseDamage("path-table-garbage", f -> write(f, le32(f, PVD + 140) * BLOCK, new byte[64]), Outcome.KEPT, "the output's path tables are written anew"));

    private static long catalog(RandomAccessFile f) throws IOException {
        return le32(f, BR + 71) * BLOCK;
    }

    /** Byte offset of the {@code index}th record of the root directory. */
    private static long rootRecord(RandomAccessFile f, int index) throws IOException {
        long p = le32(f, PVD + 156 + 2) * BLOCK;
        for (int i = 0; i < index; i++) {
            f.seek(p);
            p += f.read();
        }
        return p;
    }

    /** Damages the first SUSP entry {@code sig} in the root's third record (a child). */
    private static void damageSystemUse(RandomAccessFile f, String sig, int offset, int value) throws IOException {
        for (int i = 2; i < 20; i++) {
            long rec = rootRecord(f, i);
            f.seek(rec);
            int len = f.read();
            if (len <= 0) {
                break;
            }
            byte[] r = new byte[len];
            f.seek(rec);
            f.readFully(r);
            int idLen = r[32] & 0xFF;
            int p = 33 + idLen + ((idLen & 1) == 0 ? 1 : 0);
            while (p + 4 <= len) {
                if (r[p] == sig.charAt(0) && r[p + 1] == sig.charAt(1)) {
                    if (sig.equals("NM") && offset == 0 && value == 'C') {
                        // turn NM into a CE pointing past the end of the image
                        byte[] ce = new byte[28];
                        ce[0] = 'C';
                        ce[1] = 'E';
                        ce[2] = 28;
                        ce[3] = 1;
                        Bytes.put32both(ce, 4, 0x00FFFFFF);
                        Bytes.put32both(ce, 12, 0);
                        Bytes.put32both(ce, 20, 100);
                        if (p + 28 <= len) {
                            write(f, rec + p, ce);
                            return;
                        }
                    }
                    put(f, rec + p + offset, value);
                    return;
                }
                int l = r[p + 2] & 0xFF;
                if (l < 4) {
                    break;
                }
                p += l;
            }
        }
        throw new IOException("no " + sig + " entry in the root's records");
    }

    private static long le32(RandomAccessFile f, long at) throws IOException {
        byte[] b = new byte[4];
        f.seek(at);
        f.readFully(b);
        return (b[0] & 0xFFL) | (b[1] & 0xFFL) << 8 | (b[2] & 0xFFL) << 16 | (b[3] & 0xFFL) << 24;
    }

    private static void put(RandomAccessFile f, long at, int v) throws IOException {
        f.seek(at);
        f.write(v);
    }

    private static void write(RandomAccessFile f, long at, byte[] b) throws IOException {
        f.seek(at);
        f.write(b);
    }

    private static void putLe32(RandomAccessFile f, long at, long v) throws IOException {
        write(f, at, new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)});
    }

    private static void putBe32(RandomAccessFile f, long at, long v) throws IOException {
        write(f, at, new byte[] {(byte) (v >> 24), (byte) (v >> 16), (byte) (v >> 8), (byte) v});
    }

    private static void putBe16(RandomAccessFile f, long at, int v) throws IOException {
        write(f, at, new byte[] {(byte) (v >> 8), (byte) v});
    }

    private static void both32(RandomAccessFile f, long at, long v) throws IOException {
        byte[] b = new byte[8];
        Bytes.put32both(b, 0, v);
        write(f, at, b);
    }

    private static void both16(RandomAccessFile f, long at, int v) throws IOException {
        write(f, at, new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 8), (byte) v});
    }

    @Override
    public String toString() {
        return name;
    }
}
