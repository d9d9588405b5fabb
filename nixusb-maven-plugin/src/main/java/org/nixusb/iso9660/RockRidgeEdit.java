package org.nixusb.iso9660;

import java.time.Instant;

import org.nixusb.binary.Bytes;

/**
 * Changes to an existing directory record's Rock Ridge entries, made in place so that the record keeps
 * its length and every other entry: the mode in PX, the link count in PX, the modify, access and
 * attribute-change times in TF (in the form the entry uses) with the record's recording date, and the
 * block a CL, PL or RE link names. Only entries inside the record are patched here; a link entry in a
 * continuation area is returned as a raw patch for the caller to write. {@link SystemUse} says where each
 * entry is.
 */
public final class RockRidgeEdit {
    private RockRidgeEdit() {
    }

    /**
     * Sets the permission bits of the PX entry (the file type stays). False when the record has no PX entry
     * of its own to patch.
     */
    public static boolean setMode(DirectoryRecord r, SystemUse su, int mode) {
        if (su == null || su.pxLocation() == null || !su.pxLocation().inRecord() || su.mode() == null) {
            return false;
        }
        byte[] v = new byte[8];
        Bytes.put32both(v, 0, (su.mode() & SystemUse.S_IFMT) | (mode & 07777));
        r.patch(su.pxLocation().recordOffset() + 4, v);
        return true;
    }

    /** Adds {@code added} to the PX link count. False without a PX entry in the record. */
    public static boolean addLinks(DirectoryRecord r, SystemUse su, int added) {
        if (su == null || su.pxLocation() == null || !su.pxLocation().inRecord()) {
            return false;
        }
        byte[] v = new byte[8];
        Bytes.put32both(v, 0, su.nlink() + added);
        r.patch(su.pxLocation().recordOffset() + 12, v);
        return true;
    }

    /**
     * Sets the record's recording date and, when the record has a TF entry, its modify, access and
     * attribute-change times. The creation time stays.
     */
    public static void setTimes(DirectoryRecord r, SystemUse su, Instant t) {
        r.patch(18, IsoTime.encodeShort(t));
        if (su == null || su.tfLocation() == null || !su.tfLocation().inRecord()) {
            return;
        }
        int at = su.tfLocation().recordOffset();
        byte[] b = r.bytes();
        int end = at + (b[at + 2] & 0xFF);
        int flags = b[at + 4] & 0xFF;
        boolean longForm = (flags & 0x80) != 0;
        byte[] value = longForm ? IsoTime.encodeLong(t) : IsoTime.encodeShort(t);
        int q = at + 5;
        for (int bit = 0; bit < 7 && q + value.length <= end; bit++) {
            if ((flags & (1 << bit)) == 0) {
                continue;
            }
            if (bit >= 1 && bit <= 3) {
                r.patch(q, value);
            }
            q += value.length;
        }
    }

    /**
     * Points a CL, PL or RE entry at block {@code lba}. Inside the record it is patched; in a continuation
     * area the byte position and value to write are returned ({@code {position, lba}}), else null.
     */
    public static long[] setLinkTarget(DirectoryRecord r, SystemUse.Location loc, long lba) {
        if (loc.inRecord()) {
            byte[] v = new byte[8];
            Bytes.put32both(v, 0, lba);
            r.patch(loc.recordOffset() + 4, v);
            return null;
        }
        return new long[] {loc.absolute() + 4, lba};
    }
}
