package org.nixusb.iso9660;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.nixusb.binary.Bytes;

/**
 * One directory record (ISO 9660 9.1), kept as its raw bytes so that a remaster can copy it
 * unchanged or patch single fields. {@link #sourceOffset()} is where it was read in the image
 * (-1 for a record this program made).
 */
public final class DirectoryRecord {
    public static final int FLAG_HIDDEN = 0x01;
    public static final int FLAG_DIRECTORY = 0x02;
    public static final int FLAG_ASSOCIATED = 0x04;
    public static final int FLAG_MULTI_EXTENT = 0x80;
    public static final int MIN_LENGTH = 34;

    private final byte[] bytes;
    private final long sourceOffset;
    private boolean dirty;

    public DirectoryRecord(byte[] bytes, long sourceOffset) {
        this.bytes = bytes;
        this.sourceOffset = sourceOffset;
    }

    public byte[] bytes() {
        return bytes;
    }

    public long sourceOffset() {
        return sourceOffset;
    }

    /** True once a field was patched: the remaster must write it back. */
    public boolean dirty() {
        return dirty;
    }

    public int length() {
        return Bytes.u8(bytes, 0);
    }

    public int extendedAttributeLength() {
        return Bytes.u8(bytes, 1);
    }

    public long extent() {
        return Bytes.u32le(bytes, 2);
    }

    public long dataLength() {
        return Bytes.u32le(bytes, 10);
    }

    public void setExtent(long lba, long size) {
        Bytes.put32both(bytes, 2, lba);
        Bytes.put32both(bytes, 10, size);
        dirty = true;
    }

    public Instant recordingDate() {
        return IsoTime.decodeShort(bytes, 18);
    }

    public int flags() {
        return Bytes.u8(bytes, 25);
    }

    public boolean isDirectory() {
        return (flags() & FLAG_DIRECTORY) != 0;
    }

    public boolean isMultiExtent() {
        return (flags() & FLAG_MULTI_EXTENT) != 0;
    }

    public int fileUnitSize() {
        return Bytes.u8(bytes, 26);
    }

    public int nameLength() {
        return Bytes.u8(bytes, 32);
    }

    /** The raw file identifier bytes. */
    public byte[] identifier() {
        byte[] id = new byte[nameLength()];
        System.arraycopy(bytes, 33, id, 0, id.length);
        return id;
    }

    public boolean isSelf() {
        return nameLength() == 1 && bytes[33] == 0;
    }

    public boolean isParent() {
        return nameLength() == 1 && bytes[33] == 1;
    }

    /** The identifier as text: ISO 9660 d-characters, or UCS-2 big-endian for Joliet. */
    public String identifierText(boolean joliet) {
        if (isSelf()) {
            return ".";
        }
        if (isParent()) {
            return "..";
        }
        return joliet ? new String(bytes, 33, nameLength(), StandardCharsets.UTF_16BE)
                : new String(bytes, 33, nameLength(), StandardCharsets.ISO_8859_1);
    }

    /** Offset of the system use area inside the record (after the identifier and its pad byte). */
    public int systemUseOffset() {
        int n = nameLength();
        return 33 + n + ((n & 1) == 0 ? 1 : 0);
    }

    /** Patches bytes at an offset inside this record and marks it for writing. */
    public void patch(int offset, byte[] value) {
        System.arraycopy(value, 0, bytes, offset, value.length);
        dirty = true;
    }

    public void markDirty() {
        dirty = true;
    }
}
