package org.nixusb.efivars;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.nixusb.binary.Bytes;
import org.nixusb.hybrid.Guid;

/**
 * An {@code EFI_SIGNATURE_LIST}: what {@code db}, {@code dbx}, {@code MokList} and shim's built-in lists hold. A
 * type GUID, the list's size, a header size (0 for the usual types), the size of each entry, then the entries: an
 * owner GUID and the signature data (a DER certificate, a SHA-256 hash).
 *
 * @param type {@link #X509} or {@link #SHA256} (or another type, kept as read)
 * @param entries the entries, in order
 */
public record SignatureList(UUID type, List<Entry> entries) {
    public static final UUID X509 = UUID.fromString("a5c059a1-94e4-4aa7-87b5-ab155c2bf072");
    public static final UUID SHA256 = UUID.fromString("c1c41626-504c-4092-aca9-41f936934328");
    static final int HEADER = 28;

    /** One entry: who added it and its data. */
    public record Entry(UUID owner, byte[] data) {
        public Entry {
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && e.owner.equals(owner) && Arrays.equals(e.data, data);
        }

        @Override
        public int hashCode() {
            return owner.hashCode() * 31 + Arrays.hashCode(data);
        }
    }

    public SignatureList {
        entries = List.copyOf(entries);
        int size = entries.isEmpty() ? 0 : entries.get(0).data.length;
        if (entries.stream().anyMatch(e -> e.data.length != size)) {
            throw new IllegalArgumentException("the entries of one signature list have one size");
        }
    }

    /** One certificate, as MokManager enrols one. */
    public static SignatureList certificate(UUID owner, byte[] der) {
        return new SignatureList(X509, List.of(new Entry(owner, der)));
    }

    /** The lists one after another in a variable's data (or an {@code .esl} file). */
    public static byte[] write(List<SignatureList> lists) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (SignatureList l : lists) {
            int entrySize = 16 + (l.entries.isEmpty() ? 0 : l.entries.get(0).data.length);
            byte[] h = new byte[HEADER];
            System.arraycopy(Guid.toBytes(l.type), 0, h, 0, 16);
            Bytes.put32le(h, 16, HEADER + (long) entrySize * l.entries.size());
            Bytes.put32le(h, 20, 0);
            Bytes.put32le(h, 24, entrySize);
            out.writeBytes(h);
            for (Entry e : l.entries) {
                out.writeBytes(Guid.toBytes(e.owner));
                out.writeBytes(e.data);
            }
        }
        return out.toByteArray();
    }

    /**
     * The lists in {@code data}.
     *
     * @throws IllegalArgumentException naming the byte where the lists stop making sense
     */
    public static List<SignatureList> read(byte[] data) {
        List<SignatureList> out = new ArrayList<>();
        int at = 0;
        while (at < data.length) {
            if (data.length - at < HEADER) {
                throw new IllegalArgumentException("a signature list at byte " + at + " is cut short ("
                        + (data.length - at) + " bytes, a header has " + HEADER + ")");
            }
            UUID type = Guid.fromBytes(data, at);
            long listSize = Bytes.u32le(data, at + 16);
            long headerSize = Bytes.u32le(data, at + 20);
            long entrySize = Bytes.u32le(data, at + 24);
            if (listSize < HEADER || listSize > data.length - at || entrySize < 16
                    || headerSize > listSize - HEADER || (listSize - HEADER - headerSize) % entrySize != 0) {
                throw new IllegalArgumentException("the signature list at byte " + at + " has inconsistent sizes "
                        + "(list " + listSize + ", header " + headerSize + ", entry " + entrySize + ")");
            }
            List<Entry> entries = new ArrayList<>();
            for (long e = at + HEADER + headerSize; e < at + listSize; e += entrySize) {
                entries.add(new Entry(Guid.fromBytes(data, (int) e),
                        Arrays.copyOfRange(data, (int) e + 16, (int) (e + entrySize))));
            }
            out.add(new SignatureList(type, entries));
            at += (int) listSize;
        }
        return out;
    }

    /** Every SHA-256 hash the lists hold. */
    public static List<byte[]> sha256Hashes(List<SignatureList> lists) {
        List<byte[]> out = new ArrayList<>();
        for (SignatureList l : lists) {
            if (l.type.equals(SHA256)) {
                l.entries.forEach(e -> out.add(e.data()));
            }
        }
        return out;
    }
}
