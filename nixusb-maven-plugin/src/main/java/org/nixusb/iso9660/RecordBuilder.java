package org.nixusb.iso9660;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.nixusb.binary.Bytes;

/** Makes new directory records, with Rock Ridge PX, TF and NM entries when the volume uses Rock Ridge. */
public final class RecordBuilder {
    private final boolean rockRidge;
    private final int pxLength;

    /**
     * @param rockRidge write Rock Ridge entries
     * @param pxLength 44 (RRIP 1.12, with inode number) or 36 (RRIP 1.10), as the source volume uses
     */
    public RecordBuilder(boolean rockRidge, int pxLength) {
        this.rockRidge = rockRidge;
        this.pxLength = pxLength == 36 ? 36 : 44;
    }

    public boolean rockRidge() {
        return rockRidge;
    }

    /**
     * Builds a record. Extent and size may be placeholders, set later with {@link DirectoryRecord#setExtent}.
     *
     * @param identifier raw ISO identifier (e.g. "ISOLINUX.BIN;1", or a single 0x00 / 0x01 byte)
     * @param name the Rock Ridge name, or null for "." and ".."
     * @param mode POSIX mode including the file type bits
     */
    public DirectoryRecord build(byte[] identifier, String name, boolean directory, long extent, long size,
            Instant mtime, int mode, long nlink, long inode) {
        return build(identifier, name, directory, extent, size, mtime, mode, nlink, inode, null);
    }

    /** The same for a symbolic link to {@code symlink} (Rock Ridge SL; null for anything else). */
    public DirectoryRecord build(byte[] identifier, String name, boolean directory, long extent, long size,
            Instant mtime, int mode, long nlink, long inode, String symlink) {
        if (symlink != null && !rockRidge) {
            throw new IllegalArgumentException("a symbolic link (" + name + ") needs Rock Ridge, which the image lacks");
        }
        byte[] su = rockRidge ? systemUse(name, mode, nlink, inode, mtime) : new byte[0];
        if (symlink != null) {
            byte[] sl = symlinkEntry(symlink);
            byte[] both = new byte[su.length + sl.length];
            System.arraycopy(su, 0, both, 0, su.length);
            System.arraycopy(sl, 0, both, su.length, sl.length);
            su = both;
        }
        int idLen = identifier.length;
        int len = 33 + idLen + ((idLen & 1) == 0 ? 1 : 0) + su.length;
        if ((len & 1) != 0) {
            len++;
        }
        if (len > 255) {
            throw new IllegalArgumentException("the name \"" + name + "\" is too long for one directory record");
        }
        byte[] r = new byte[len];
        r[0] = (byte) len;
        Bytes.put32both(r, 2, extent);
        Bytes.put32both(r, 10, size);
        System.arraycopy(IsoTime.encodeShort(mtime), 0, r, 18, 7);
        r[25] = (byte) (directory ? DirectoryRecord.FLAG_DIRECTORY : 0);
        Bytes.put16both(r, 28, 1);
        r[32] = (byte) idLen;
        System.arraycopy(identifier, 0, r, 33, idLen);
        System.arraycopy(su, 0, r, 33 + idLen + ((idLen & 1) == 0 ? 1 : 0), su.length);
        return new DirectoryRecord(r, -1);
    }

    /** One SL entry: components separated by '/', with ROOT, CURRENT and PARENT flags. */
    static byte[] symlinkEntry(String target) {
        ByteArrayOutputStream comps = new ByteArrayOutputStream();
        String t = target;
        if (t.startsWith("/")) {
            comps.write(8);
            comps.write(0);
            t = t.replaceAll("^/+", "");
        }
        for (String part : t.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (part.equals(".")) {
                comps.write(2);
                comps.write(0);
            } else if (part.equals("..")) {
                comps.write(4);
                comps.write(0);
            } else {
                byte[] b = part.getBytes(StandardCharsets.UTF_8);
                if (b.length > 200) {
                    throw new IllegalArgumentException("a symbolic link component is too long: " + part);
                }
                comps.write(0);
                comps.write(b.length);
                comps.writeBytes(b);
            }
        }
        byte[] c = comps.toByteArray();
        if (5 + c.length > 200) {
            throw new IllegalArgumentException("the symbolic link target is too long for one record: " + target);
        }
        byte[] sl = new byte[5 + c.length];
        sl[0] = 'S';
        sl[1] = 'L';
        sl[2] = (byte) sl.length;
        sl[3] = 1;
        sl[4] = 0;
        System.arraycopy(c, 0, sl, 5, c.length);
        return sl;
    }

    private byte[] systemUse(String name, int mode, long nlink, long inode, Instant mtime) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] px = new byte[pxLength];
        px[0] = 'P';
        px[1] = 'X';
        px[2] = (byte) pxLength;
        px[3] = 1;
        Bytes.put32both(px, 4, mode);
        Bytes.put32both(px, 12, nlink);
        Bytes.put32both(px, 20, 0);
        Bytes.put32both(px, 28, 0);
        if (pxLength == 44) {
            Bytes.put32both(px, 36, inode);
        }
        out.writeBytes(px);
        byte[] t = IsoTime.encodeShort(mtime);
        byte[] tf = new byte[5 + 3 * 7];
        tf[0] = 'T';
        tf[1] = 'F';
        tf[2] = (byte) tf.length;
        tf[3] = 1;
        tf[4] = 0x0E; // modify, access, attributes
        for (int i = 0; i < 3; i++) {
            System.arraycopy(t, 0, tf, 5 + 7 * i, 7);
        }
        out.writeBytes(tf);
        if (name != null) {
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            byte[] nm = new byte[5 + n.length];
            nm[0] = 'N';
            nm[1] = 'M';
            nm[2] = (byte) nm.length;
            nm[3] = 1;
            System.arraycopy(n, 0, nm, 5, n.length);
            out.writeBytes(nm);
        }
        return out.toByteArray();
    }
}
