package org.nixusb.eltorito;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.nixusb.binary.Bytes;


/**
 * The El Torito boot catalog: a validation entry, the initial/default entry, then sections
 * (header 0x90/0x91 with platform id and entry count, followed by their entries).
 */
public final class BootCatalog {
    /** A section: platform id and its entries, with the 28-byte id string of its header. */
    public record Section(int platform, byte[] idString, List<CatalogEntry> entries) {
    }

    private final int validationPlatform;
    private final CatalogEntry defaultEntry;
    private final List<Section> sections;

    public BootCatalog(int validationPlatform, CatalogEntry defaultEntry, List<Section> sections) {
        this.validationPlatform = validationPlatform;
        this.defaultEntry = defaultEntry;
        this.sections = sections;
    }

    public int validationPlatform() {
        return validationPlatform;
    }

    public CatalogEntry defaultEntry() {
        return defaultEntry;
    }

    public List<Section> sections() {
        return sections;
    }

    /** All entries: the default one first, then each section's. */
    public List<CatalogEntry> entries() {
        List<CatalogEntry> all = new ArrayList<>();
        all.add(defaultEntry);
        for (Section s : sections) {
            all.addAll(s.entries());
        }
        return all;
    }

    /** Checks the validation entry: header 1, key 55 AA, words summing to 0. */
    public static boolean validationEntryOk(byte[] b) {
        if (b.length < 32 || Bytes.u8(b, 0) != 1 || Bytes.u8(b, 30) != 0x55 || Bytes.u8(b, 31) != 0xAA) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < 32; i += 2) {
            sum += Bytes.u16le(b, i);
        }
        return (sum & 0xFFFF) == 0;
    }

    /**
     * Parses a catalog (one or more 2048-byte blocks).
     *
     * @throws IllegalArgumentException with a description when the catalog is malformed
     */
    public static BootCatalog parse(byte[] b) {
        if (!validationEntryOk(b)) {
            throw new IllegalArgumentException("the El Torito validation entry is invalid (header, key 55 AA or checksum)");
        }
        int platform = Bytes.u8(b, 1);
        CatalogEntry def = CatalogEntry.parse(platform, b, 32);
        List<Section> sections = new ArrayList<>();
        int p = 64;
        int guard = 0;
        while (p + 32 <= b.length && guard++ < 256) {
            int indicator = Bytes.u8(b, p);
            if (indicator != 0x90 && indicator != 0x91) {
                break;
            }
            int secPlatform = Bytes.u8(b, p + 1);
            int count = Bytes.u16le(b, p + 2);
            byte[] id = new byte[28];
            System.arraycopy(b, p + 4, id, 0, 28);
            p += 32;
            List<CatalogEntry> entries = new ArrayList<>();
            for (int i = 0; i < count && p + 32 <= b.length; i++) {
                entries.add(CatalogEntry.parse(secPlatform, b, p));
                p += 32;
                // skip section entry extensions (0x44)
                while (p + 32 <= b.length && Bytes.u8(b, p) == 0x44) {
                    p += 32;
                }
            }
            sections.add(new Section(secPlatform, id, entries));
            if (indicator == 0x91) {
                break;
            }
        }
        return new BootCatalog(platform, def, sections);
    }

    /** Encodes the catalog into one 2048-byte block (the count of entries is limited to what fits). */
    public byte[] encode() {
        byte[] b = new byte[2048];
        b[0] = 1;
        b[1] = (byte) validationPlatform;
        byte[] id = "nixusb".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(id, 0, b, 4, id.length);
        b[30] = 0x55;
        b[31] = (byte) 0xAA;
        int sum = 0;
        for (int i = 0; i < 32; i += 2) {
            sum += Bytes.u16le(b, i);
        }
        Bytes.put16le(b, 28, (0x10000 - (sum & 0xFFFF)) & 0xFFFF);
        System.arraycopy(defaultEntry.raw(), 0, b, 32, 32);
        int p = 64;
        for (int s = 0; s < sections.size(); s++) {
            Section sec = sections.get(s);
            if (p + 32 * (1 + sec.entries().size()) > b.length) {
                throw new IllegalStateException("the boot catalog does not fit in one block");
            }
            b[p] = (byte) (s == sections.size() - 1 ? 0x91 : 0x90);
            b[p + 1] = (byte) sec.platform();
            Bytes.put16le(b, p + 2, sec.entries().size());
            System.arraycopy(sec.idString(), 0, b, p + 4, 28);
            p += 32;
            for (CatalogEntry e : sec.entries()) {
                System.arraycopy(e.raw(), 0, b, p, 32);
                p += 32;
            }
        }
        return b;
    }
}
