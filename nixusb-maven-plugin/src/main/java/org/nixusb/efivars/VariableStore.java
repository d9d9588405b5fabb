package org.nixusb.efivars;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.nixusb.BadInputException;
import org.nixusb.binary.Bytes;
import org.nixusb.hybrid.Guid;

/**
 * The variable store of an edk2 firmware's flash (OVMF's and AAVMF's {@code *_VARS.fd}): a firmware volume whose
 * header ({@code _FVH}) is followed by a variable store header and the variables one after another, each a header
 * ({@code 0x55AA}, its state, attributes, for the authenticated format a monotonic count, a time stamp and a public
 * key index, then the sizes of name and data and the vendor GUID), its UTF-16 name and its data, each header on a
 * 4-byte boundary. Deleted variables stay until the firmware reclaims the space; unused space holds 0xFF.
 *
 * <p>Reading keeps the live variables; writing lays them out again from the start of the store (what the firmware's
 * own reclaim does), leaving the firmware volume header, the variable store header and everything after the store
 * (the fault-tolerant-write areas) as they were. The firmware trusts what its flash holds: it checks the
 * authentication of a write through {@code SetVariable}, not of a stored variable, so a variable written here is
 * what a PC holds after an authenticated update.
 */
public final class VariableStore {
    /** The file system GUID of a firmware volume holding variables. */
    static final UUID SYSTEM_NV_DATA_FV = UUID.fromString("fff12b8d-7696-4c8b-a985-2747075b4f50");
    /** The variable store signature of the authenticated format (every OVMF since 2015). */
    static final UUID AUTHENTICATED_VARIABLE = UUID.fromString("aaf32c78-947b-439a-a180-2e144ec37792");
    /** The variable store signature of the older format, without time stamps. */
    static final UUID PLAIN_VARIABLE = UUID.fromString("ddcf3616-3275-4164-98b6-fe85707ffe7d");

    static final int START_ID = 0x55AA;
    static final int VAR_ADDED = 0x3F;
    static final int VAR_IN_DELETED_TRANSITION = 0xFE;
    static final int STORE_HEADER = 28;
    static final int AUTHENTICATED_HEADER = 60;
    static final int PLAIN_HEADER = 32;

    private final byte[] image;
    private final int storeStart;
    private final int storeEnd;
    private final boolean authenticated;
    private final List<EfiVariable> variables;

    private VariableStore(byte[] image, int storeStart, int storeEnd, boolean authenticated,
            List<EfiVariable> variables) {
        this.image = image;
        this.storeStart = storeStart;
        this.storeEnd = storeEnd;
        this.authenticated = authenticated;
        this.variables = List.copyOf(variables);
    }

    /**
     * Reads a variable store file's bytes.
     *
     * @param where the file, for messages
     */
    public static VariableStore read(byte[] image, Path where) throws BadInputException {
        String cure = "give an edk2 variable store (an OVMF_VARS or AAVMF_VARS .fd file as the firmware package "
                + "installs it, or a copy QEMU has written); a secure boot uses another firmware's store as it is "
                + "only with sbatLevel=shim, dbx=firmware and no mok";
        if (image.length < 64 || !Bytes.ascii(image, 40, 4).equals("_FVH")) {
            throw new BadInputException(where, "not an edk2 variable store: no firmware volume header (_FVH at "
                    + "byte 40)", cure);
        }
        UUID fs = Guid.fromBytes(image, 16);
        int headerLength = Bytes.u16le(image, 48);
        if (!fs.equals(SYSTEM_NV_DATA_FV) || headerLength < 56 || headerLength + STORE_HEADER > image.length) {
            throw new BadInputException(where, "its firmware volume is not a variable store (file system " + fs
                    + ", header length " + headerLength + ")", cure);
        }
        UUID signature = Guid.fromBytes(image, headerLength);
        boolean authenticated = signature.equals(AUTHENTICATED_VARIABLE);
        if (!authenticated && !signature.equals(PLAIN_VARIABLE)) {
            throw new BadInputException(where, "the variable store at byte " + headerLength
                    + " has an unknown signature " + signature, cure);
        }
        long size = Bytes.u32le(image, headerLength + 16);
        if (size < STORE_HEADER || headerLength + size > image.length) {
            throw new BadInputException(where, "the variable store at byte " + headerLength + " claims " + size
                    + " bytes, but the file ends at " + image.length, cure);
        }
        if (Bytes.u8(image, headerLength + 20) != 0x5A || Bytes.u8(image, headerLength + 21) != 0xFE) {
            throw new BadInputException(where, "the variable store is not formatted or not healthy (format 0x"
                    + Integer.toHexString(Bytes.u8(image, headerLength + 20)) + ", state 0x"
                    + Integer.toHexString(Bytes.u8(image, headerLength + 21)) + ")", cure);
        }
        int end = (int) (headerLength + size);
        List<EfiVariable> live = parseVariables(image, align4(headerLength + STORE_HEADER), end, authenticated, where);
        return new VariableStore(image.clone(), headerLength, end, authenticated, live);
    }

    private static List<EfiVariable> parseVariables(byte[] b, int at, int end, boolean auth, Path where)
            throws BadInputException {
        int header = auth ? AUTHENTICATED_HEADER : PLAIN_HEADER;
        List<EfiVariable> added = new ArrayList<>();
        List<EfiVariable> inTransition = new ArrayList<>();
        while (at + header <= end && Bytes.u16le(b, at) == START_ID) {
            int state = Bytes.u8(b, at + 2);
            int attributes = (int) Bytes.u32le(b, at + 4);
            int sizes = auth ? at + 36 : at + 8;
            long nameSize = Bytes.u32le(b, sizes);
            long dataSize = Bytes.u32le(b, sizes + 4);
            UUID vendor = Guid.fromBytes(b, sizes + 8);
            long nameAt = (long) at + header;
            if (nameSize > end - nameAt || dataSize > end - nameAt - nameSize) {
                if (state == VAR_ADDED) {
                    throw new BadInputException(where, "the variable at byte " + at + " runs past the end of the "
                            + "store (name " + nameSize + " bytes, data " + dataSize + " bytes)",
                            "give an undamaged variable store (the firmware package's template)");
                }
                break; // a write the firmware never finished: the rest is unused
            }
            if (state == VAR_ADDED || state == (VAR_ADDED & VAR_IN_DELETED_TRANSITION)) {
                String name = name(b, (int) nameAt, (int) nameSize);
                if (name == null) {
                    throw new BadInputException(where, "the variable at byte " + at + " has no well-formed name ("
                            + nameSize + " bytes: UTF-16 ending in one NUL is what edk2 writes)",
                            "give an undamaged variable store (the firmware package's template)");
                }
                byte[] data = Arrays.copyOfRange(b, (int) (nameAt + nameSize), (int) (nameAt + nameSize + dataSize));
                byte[] time = auth ? Arrays.copyOfRange(b, at + 16, at + 32) : null;
                EfiVariable v = new EfiVariable(name, vendor, attributes, data, time);
                (state == VAR_ADDED ? added : inTransition).add(v);
            }
            at = align4((int) (nameAt + nameSize + dataSize));
        }
        // a variable caught between its new copy and the deletion of the old one: the old copy counts only when
        // the new one never made it
        for (EfiVariable v : inTransition) {
            if (added.stream().noneMatch(a -> a.is(v.name(), v.vendor()))) {
                added.add(v);
            }
        }
        return added;
    }

    /**
     * The name edk2 wrote: UTF-16LE ending in its one NUL, nothing after it, reading back to the same bytes; null
     * for anything else (so that writing a variable again never changes its size).
     */
    private static String name(byte[] b, int at, int size) {
        if (size < 2 || size % 2 != 0 || b[at + size - 2] != 0 || b[at + size - 1] != 0) {
            return null;
        }
        String name = new String(b, at, size - 2, StandardCharsets.UTF_16LE);
        if (name.indexOf('\0') >= 0 || !Arrays.equals((name + "\0").getBytes(StandardCharsets.UTF_16LE),
                Arrays.copyOfRange(b, at, at + size))) {
            return null;
        }
        return name;
    }

    private static int align4(int n) {
        return (n + 3) & ~3;
    }

    /** The live variables, in store order. */
    public List<EfiVariable> variables() {
        return variables;
    }

    /** Whether this is the authenticated format (time stamps kept). */
    public boolean authenticated() {
        return authenticated;
    }

    /** The variable {@code name} of {@code vendor}, if the store holds it. */
    public Optional<EfiVariable> find(String name, UUID vendor) {
        return variables.stream().filter(v -> v.is(name, vendor)).findFirst();
    }

    /** This store with {@code v} in place of any variable of the same name and vendor (appended otherwise). */
    public VariableStore with(EfiVariable v) {
        List<EfiVariable> l = new ArrayList<>(variables);
        int i = indexOf(l, v.name(), v.vendor());
        if (i >= 0) {
            l.set(i, v);
        } else {
            l.add(v);
        }
        return new VariableStore(image, storeStart, storeEnd, authenticated, l);
    }

    /** This store without the variable {@code name} of {@code vendor}. */
    public VariableStore without(String name, UUID vendor) {
        List<EfiVariable> l = new ArrayList<>(variables);
        int i = indexOf(l, name, vendor);
        if (i >= 0) {
            l.remove(i);
        }
        return new VariableStore(image, storeStart, storeEnd, authenticated, l);
    }

    private static int indexOf(List<EfiVariable> l, String name, UUID vendor) {
        for (int i = 0; i < l.size(); i++) {
            if (l.get(i).is(name, vendor)) {
                return i;
            }
        }
        return -1;
    }

    /** The bytes the variables take from the first header to the end of the last data, alignment included. */
    public int used() {
        int n = 0;
        for (EfiVariable v : variables) {
            // each header on a 4-byte boundary; the last variable's data may end anywhere
            n = align4(n) + size(v);
        }
        return n;
    }

    /** The bytes the store has for variables. */
    public int capacity() {
        return storeEnd - align4(storeStart + STORE_HEADER);
    }

    private int size(EfiVariable v) {
        return (authenticated ? AUTHENTICATED_HEADER : PLAIN_HEADER) + nameBytes(v).length + v.data().length;
    }

    private static byte[] nameBytes(EfiVariable v) {
        return (v.name() + "\0").getBytes(StandardCharsets.UTF_16LE);
    }

    /**
     * The whole file with the variables laid out from the start of the store and the rest of the store unused.
     *
     * @throws IllegalStateException when the variables do not fit ({@link #used()} over {@link #capacity()})
     */
    public byte[] write() {
        if (used() > capacity()) {
            throw new IllegalStateException("the variables take " + used() + " bytes, the store has "
                    + capacity());
        }
        byte[] out = image.clone();
        int at = align4(storeStart + STORE_HEADER);
        Arrays.fill(out, at, storeEnd, (byte) 0xFF);
        for (EfiVariable v : variables) {
            if (!authenticated && (v.attributes() & EfiVariable.TIME_BASED_AUTHENTICATED_WRITE_ACCESS) != 0) {
                throw new IllegalStateException(v.name() + " is time-based authenticated; the store's format "
                        + "has no time stamps");
            }
            byte[] name = nameBytes(v);
            byte[] data = v.data();
            Bytes.put16le(out, at, START_ID);
            out[at + 2] = (byte) VAR_ADDED;
            out[at + 3] = 0;
            Bytes.put32le(out, at + 4, v.attributes() & 0xFFFFFFFFL);
            int sizes = at + 8;
            if (authenticated) {
                Bytes.put64le(out, at + 8, 0);
                System.arraycopy(v.timestamp(), 0, out, at + 16, 16);
                Bytes.put32le(out, at + 32, 0);
                sizes = at + 36;
            }
            Bytes.put32le(out, sizes, name.length);
            Bytes.put32le(out, sizes + 4, data.length);
            System.arraycopy(Guid.toBytes(v.vendor()), 0, out, sizes + 8, 16);
            int nameAt = at + (authenticated ? AUTHENTICATED_HEADER : PLAIN_HEADER);
            System.arraycopy(name, 0, out, nameAt, name.length);
            System.arraycopy(data, 0, out, nameAt + name.length, data.length);
            at = align4(nameAt + name.length + data.length);
        }
        return out;
    }
}
