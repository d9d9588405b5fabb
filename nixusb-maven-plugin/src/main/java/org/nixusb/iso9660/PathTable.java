package org.nixusb.iso9660;

import java.io.ByteArrayOutputStream;
import java.util.List;

import org.nixusb.binary.Bytes;

/** Builds the L (little-endian) and M (big-endian) path tables of ISO 9660 9.4. */
public final class PathTable {
    /** One directory: its identifier bytes (root: a single 0x00), extent and 1-based parent number. */
    public record Row(byte[] identifier, long extent, int parent) {
    }

    private PathTable() {
    }

    public static byte[] encode(List<Row> rows, boolean bigEndian) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Row r : rows) {
            byte[] id = r.identifier();
            byte[] rec = new byte[8 + id.length + (id.length & 1)];
            rec[0] = (byte) id.length;
            rec[1] = 0;
            if (bigEndian) {
                Bytes.put32be(rec, 2, r.extent());
                Bytes.put16be(rec, 6, r.parent());
            } else {
                Bytes.put32le(rec, 2, r.extent());
                Bytes.put16le(rec, 6, r.parent());
            }
            System.arraycopy(id, 0, rec, 8, id.length);
            out.writeBytes(rec);
        }
        return out.toByteArray();
    }
}
