package org.nixusb.iso9660;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.nixusb.binary.Bytes;

/**
 * What the System Use Sharing Protocol (SUSP 1.12) and Rock Ridge (RRIP 1.12 / 1.10) entries of one
 * directory record say: SP, CE (continuation areas), ST, ER, NM, PX, SL, TF, CL, PL, RE, ZF.
 */
public final class SystemUse {
    /** The RRIP file types (st_mode & S_IFMT). */
    public static final int S_IFMT = 0170000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFLNK = 0120000;

    /** Where a SUSP entry lives: in the record itself (recordOffset) or in a continuation area (absolute). */
    public record Location(boolean inRecord, int recordOffset, long absolute) {
    }

    boolean sp;
    int spSkip;
    boolean erRockRidge;
    String name;
    boolean nameCurrent;
    boolean nameParent;
    Integer mode;
    long nlink;
    long uid;
    long gid;
    int pxLength;
    long inode;
    Location pxLocation;
    Location tfLocation;
    String symlink;
    Instant mtime;
    Instant atime;
    Instant ctime;
    long childLink = -1;
    Location childLinkLocation;
    long parentLink = -1;
    Location parentLinkLocation;
    boolean relocated;
    boolean zisofs;
    boolean anyRockRidge;
    /** the component stream of the AAIP AL entries (attributes), joined */
    private java.io.ByteArrayOutputStream aaip;
    private java.util.Map<String, byte[]> attributes;

    public boolean hasSp() {
        return sp;
    }

    public int spSkip() {
        return spSkip;
    }

    /**
     * The AAIP attributes (AL entries, as libisofs writes them) in namespace {@code isofs.}, such as
     * {@code isofs.ca} (where xorriso's MD5 checksum array is) and {@code isofs.cx} (a file's index in it),
     * by full name; the values as stored. Empty when there are none or they do not parse.
     */
    public java.util.Map<String, byte[]> isofsAttributes() {
        if (attributes == null) {
            attributes = new java.util.LinkedHashMap<>();
            if (aaip != null) {
                byte[] b = aaip.toByteArray();
                int[] at = {0};
                while (at[0] < b.length) {
                    byte[] name = component(b, at);
                    byte[] value = component(b, at);
                    if (name == null || value == null) {
                        break;
                    }
                    if (name.length > 1 && name[0] == 4) {
                        attributes.put("isofs." + new String(name, 1, name.length - 1, StandardCharsets.ISO_8859_1),
                                value);
                    }
                }
            }
        }
        return attributes;
    }

    /** One AAIP name or value: component records (flags, length, bytes) until one without CONTINUE. */
    private static byte[] component(byte[] b, int[] at) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        while (true) {
            if (at[0] + 2 > b.length) {
                return null;
            }
            int flags = b[at[0]] & 0xFF;
            int len = b[at[0] + 1] & 0xFF;
            if (at[0] + 2 + len > b.length) {
                return null;
            }
            out.write(b, at[0] + 2, len);
            at[0] += 2 + len;
            if ((flags & 1) == 0) {
                return out.toByteArray();
            }
        }
    }

    public boolean anyRockRidge() {
        return anyRockRidge;
    }

    public String name() {
        return name;
    }

    public Integer mode() {
        return mode;
    }

    public long nlink() {
        return nlink;
    }

    public long uid() {
        return uid;
    }

    public long gid() {
        return gid;
    }

    public int pxLength() {
        return pxLength;
    }

    /** The PX serial number (RRIP 1.12), 0 when absent. */
    public long inode() {
        return inode;
    }

    public Location pxLocation() {
        return pxLocation;
    }

    /** Where the TF (time stamps) entry is, or null. */
    public Location tfLocation() {
        return tfLocation;
    }

    public String symlink() {
        return symlink;
    }

    public Instant mtime() {
        return mtime;
    }

    public Instant atime() {
        return atime;
    }

    public Instant ctime() {
        return ctime;
    }

    public long childLink() {
        return childLink;
    }

    public Location childLinkLocation() {
        return childLinkLocation;
    }

    public long parentLink() {
        return parentLink;
    }

    public Location parentLinkLocation() {
        return parentLinkLocation;
    }

    public boolean relocated() {
        return relocated;
    }

    public boolean zisofs() {
        return zisofs;
    }

    /**
     * Parses the system use area of a record, following CE continuation areas.
     *
     * @param skip the SP entry's LEN_SKP of the volume (0 when reading the root's "." record)
     */
    public static SystemUse parse(ImageFile image, DirectoryRecord record, int skip) throws IOException,
            IsoFormatException {
        SystemUse su = new SystemUse();
        byte[] rec = record.bytes();
        int start = record.systemUseOffset() + skip;
        int end = record.length();
        StringBuilder nameBuf = null;
        LinkText link = null;
        byte[] area = rec;
        boolean inRecord = true;
        long areaBase = 0;
        int continuations = 0;
        while (true) {
            long ceBlock = -1;
            long ceOffset = 0;
            long ceLength = 0;
            int p = start;
            while (p + 4 <= end) {
                String sig = new String(area, p, 2, StandardCharsets.ISO_8859_1);
                int len = Bytes.u8(area, p + 2);
                if (len < 4 || p + len > end) {
                    break; // padding or damage: stop reading this area
                }
                Location loc = new Location(inRecord, inRecord ? p : -1, inRecord ? -1 : areaBase + p);
                if (len < 5 && (sig.equals("NM") || sig.equals("SL") || sig.equals("TF"))) {
                    p += len; // too short to hold its flags byte: damage, skipped
                    continue;
                }
                switch (sig) {
                    case "SP" -> {
                        if (len >= 7 && Bytes.u8(area, p + 4) == 0xBE && Bytes.u8(area, p + 5) == 0xEF) {
                            su.sp = true;
                            su.spSkip = Bytes.u8(area, p + 6);
                        }
                    }
                    case "CE" -> {
                        if (len >= 28) {
                            ceBlock = Bytes.u32le(area, p + 4);
                            ceOffset = Bytes.u32le(area, p + 12);
                            ceLength = Bytes.u32le(area, p + 20);
                        }
                    }
                    case "ST" -> p = end;
                    case "ER" -> su.erRockRidge |= rockRidgeReference(area, p, len, end);
                    case "NM" -> {
                        su.anyRockRidge = true;
                        int flags = Bytes.u8(area, p + 4);
                        su.nameCurrent |= (flags & 2) != 0;
                        su.nameParent |= (flags & 4) != 0;
                        if (nameBuf == null) {
                            nameBuf = new StringBuilder();
                        }
                        nameBuf.append(new String(area, p + 5, len - 5, StandardCharsets.UTF_8));
                    }
                    case "PX" -> {
                        su.anyRockRidge = true;
                        if (len >= 36) {
                            su.readPosix(area, p, len, loc);
                        }
                    }
                    case "SL" -> {
                        su.anyRockRidge = true;
                        if (link == null) {
                            link = new LinkText();
                        }
                        link.add(area, p, len);
                    }
                    case "TF" -> {
                        su.anyRockRidge = true;
                        su.tfLocation = loc;
                        su.readTimes(area, p, len);
                    }
                    case "CL" -> {
                        su.anyRockRidge = true;
                        su.childLink = Bytes.u32le(area, p + 4);
                        su.childLinkLocation = loc;
                    }
                    case "PL" -> {
                        su.anyRockRidge = true;
                        su.parentLink = Bytes.u32le(area, p + 4);
                        su.parentLinkLocation = loc;
                    }
                    case "RE" -> {
                        su.anyRockRidge = true;
                        su.relocated = true;
                    }
                    case "ZF" -> su.zisofs = true;
                    case "AL" -> su.addAttributes(area, p, len);
                    default -> {
                        // RR, SF, PN, AA, AL, ... carry nothing a remaster needs
                    }
                }
                p += len;
            }
            if (ceBlock < 0 || ceLength <= 0) {
                break;
            }
            if (++continuations > 32 || ceLength > ImageFile.BLOCK * 16L || ceOffset >= ImageFile.BLOCK) {
                throw new IsoFormatException(image.path(), "a Rock Ridge continuation area chain of the record at byte "
                        + record.sourceOffset() + " is longer than any writer makes (a loop or damage)");
            }
            areaBase = ceBlock * ImageFile.BLOCK + ceOffset;
            area = image.read(areaBase, (int) ceLength, "a Rock Ridge continuation area");
            inRecord = false;
            start = 0;
            end = area.length;
        }
        if (nameBuf != null && !su.nameCurrent && !su.nameParent) {
            su.name = nameBuf.toString();
        }
        if (link != null) {
            su.symlink = link.text.toString();
        }
        return su;
    }

    /** An AL entry (xorriso's AAIP, version 1): its bytes are collected, across entries, for the kept record. */
    private void addAttributes(byte[] area, int p, int len) {
        if (len >= 5 && Bytes.u8(area, p + 3) == 1) {
            if (aaip == null) {
                aaip = new java.io.ByteArrayOutputStream();
            }
            aaip.write(area, p + 5, len - 5);
        }
    }

    /** Whether an ER entry names Rock Ridge (RRIP, IEEE P1282 or 1282). */
    private static boolean rockRidgeReference(byte[] area, int p, int len, int end) {
        if (len < 8) {
            return false;
        }
        int idLen = Bytes.u8(area, p + 4);
        if (p + 8 + idLen > end) {
            return false;
        }
        String id = new String(area, p + 8, idLen, StandardCharsets.ISO_8859_1);
        return id.startsWith("RRIP") || id.startsWith("IEEE_P1282") || id.startsWith("IEEE_1282");
    }

    /** A PX entry: mode, links, owner, group and (RRIP 1.12) the inode number. */
    private void readPosix(byte[] area, int p, int len, Location loc) {
        mode = (int) Bytes.u32le(area, p + 4);
        nlink = Bytes.u32le(area, p + 12);
        uid = Bytes.u32le(area, p + 20);
        gid = Bytes.u32le(area, p + 28);
        pxLength = len;
        inode = len >= 44 ? Bytes.u32le(area, p + 36) : 0;
        pxLocation = loc;
    }

    /** A TF entry: the times its flags name, short or long form; modify, access and attribute change are kept. */
    private void readTimes(byte[] area, int p, int len) {
        int flags = Bytes.u8(area, p + 4);
        boolean longForm = (flags & 0x80) != 0;
        int size = longForm ? 17 : 7;
        int q = p + 5;
        for (int bit = 0; bit < 7; bit++) {
            if ((flags & (1 << bit)) == 0) {
                continue;
            }
            if (q + size > p + len) {
                break;
            }
            Instant t = longForm ? IsoTime.decodeLong(area, q) : IsoTime.decodeShort(area, q);
            if (bit == 1) {
                mtime = t;
            } else if (bit == 2) {
                atime = t;
            } else if (bit == 3) {
                ctime = t;
            }
            q += size;
        }
    }

    /** A symbolic link's target as its SL entries' components build it, across entries and continuation areas. */
    private static final class LinkText {
        final StringBuilder text = new StringBuilder();
        /** whether the last component continues in the next entry */
        boolean componentOpen;

        void add(byte[] area, int p, int len) {
            int q = p + 5;
            while (q + 2 <= p + len) {
                int cflags = Bytes.u8(area, q);
                int clen = Bytes.u8(area, q + 1);
                if (q + 2 + clen > p + len) {
                    break;
                }
                if (!componentOpen && text.length() > 0 && text.charAt(text.length() - 1) != '/') {
                    text.append('/');
                }
                if ((cflags & 8) != 0) {
                    text.setLength(0);
                    text.append('/');
                } else if ((cflags & 2) != 0) {
                    text.append('.');
                } else if ((cflags & 4) != 0) {
                    text.append("..");
                } else {
                    text.append(new String(area, q + 2, clen, StandardCharsets.UTF_8));
                }
                componentOpen = (cflags & 1) != 0;
                q += 2 + clen;
            }
        }
    }
}
