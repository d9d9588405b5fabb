package org.nixusb.pe;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

import javax.security.auth.x500.X500Principal;

import org.nixusb.binary.Bytes;

/**
 * What nixusb reads of a PE/COFF image (an EFI program): its machine, its sections (the {@code .sbat} section
 * that shim and the firmware judge revocations by), and its Authenticode signatures, which UEFI Secure Boot
 * requires. The signatures are a WIN_CERTIFICATE list that the Certificate Table entry (data directory 4) of the
 * optional header locates by file offset. Damaged or cut-short images never throw: what cannot be read is absent.
 */
public final class PeImage {
    /** WIN_CERT_TYPE_PKCS_SIGNED_DATA: an Authenticode signature. */
    private static final int PKCS_SIGNED_DATA = 0x0002;

    private PeImage() {
    }

    /** The program's kind, or null when it is no PE image. */
    public static String kind(byte[] pe) {
        int header = peHeader(pe);
        if (header < 0) {
            return null;
        }
        int magic = u16(pe, header + 24);
        return magic == 0x20B ? "PE32+" : magic == 0x10B ? "PE32" : null;
    }

    /** The COFF machine type (0x8664 x64, 0xaa64 arm64, 0x14c ia32), or 0 when it is no PE image. */
    public static int machine(byte[] pe) {
        int header = peHeader(pe);
        return header < 0 ? 0 : u16(pe, header + 4);
    }

    /**
     * A section of the image.
     *
     * @param name its name (up to 8 characters)
     * @param rawOffset where its bytes are in the file
     * @param rawSize how many bytes the file holds of it
     * @param virtualSize how many bytes it has in memory (the file's may be padded)
     */
    public record Section(String name, long rawOffset, long rawSize, long virtualSize) {
    }

    /** The section table, in order (empty when it is no PE image or the table is cut short). */
    public static List<Section> sections(byte[] pe) {
        int header = peHeader(pe);
        if (header < 0) {
            return List.of();
        }
        int count = u16(pe, header + 6);
        int optionalSize = u16(pe, header + 20);
        int table = header + 24 + optionalSize;
        List<Section> out = new ArrayList<>();
        for (int i = 0; i < count && table + 40 * (i + 1) <= pe.length; i++) {
            int at = table + 40 * i;
            int end = 0;
            while (end < 8 && pe[at + end] != 0) {
                end++;
            }
            String name = new String(pe, at, end, StandardCharsets.ISO_8859_1);
            if (name.matches("/\\d{1,7}")) {
                name = longName(pe, header, Integer.parseInt(name.substring(1)), name);
            }
            out.add(new Section(name, u32(pe, at + 20), u32(pe, at + 16), u32(pe, at + 8)));
        }
        return out;
    }

    /**
     * A section name longer than eight characters ({@code .sbatlevel}): {@code /N} in the table names byte N of the
     * COFF string table, which follows the symbol table. {@code fallback} when that lies outside the file.
     */
    private static String longName(byte[] pe, int header, int offset, String fallback) {
        long symbols = u32(pe, header + 12);
        long count = u32(pe, header + 16);
        long at = symbols + count * 18 + offset;
        if (symbols == 0 || at < 0 || at >= pe.length) {
            return fallback;
        }
        int end = (int) at;
        while (end < pe.length && pe[end] != 0 && end - at < 256) {
            end++;
        }
        return new String(pe, (int) at, end - (int) at, StandardCharsets.ISO_8859_1);
    }

    /**
     * Where the optional header's data directories start (PE32+ and PE32 differ), or -1 when it is no PE image or
     * the first five directories (up to the certificate table) lie outside the file.
     */
    private static int dataDirectories(byte[] pe) {
        int header = peHeader(pe);
        if (header < 0) {
            return -1;
        }
        int optional = header + 24;
        int magic = u16(pe, optional);
        int directories = magic == 0x20B ? optional + 112 : magic == 0x10B ? optional + 96 : -1;
        return directories < 0 || directories + 5 * 8 > pe.length ? -1 : directories;
    }

    /** Where the certificate table (data directory 4) is: {@code {file offset, size}}, or null when there is none. */
    public static long[] certificateTable(byte[] pe) {
        int directories = dataDirectories(pe);
        if (directories < 0 || Math.min(u32(pe, directories - 4), 16) < 5) {
            return null;
        }
        long offset = u32(pe, directories + 4 * 8);
        long size = u32(pe, directories + 4 * 8 + 4);
        return size == 0 ? null : new long[] {offset, size};
    }

    /**
     * The bytes of the first section named {@code name} as the file holds them, up to its size in memory, or null
     * when there is none or it lies outside the file.
     */
    public static byte[] section(byte[] pe, String name) {
        for (Section s : sections(pe)) {
            if (s.name().equals(name)) {
                long length = s.virtualSize() > 0 ? Math.min(s.rawSize(), s.virtualSize()) : s.rawSize();
                if (s.rawOffset() < 0 || length < 0 || s.rawOffset() + length > pe.length) {
                    return null;
                }
                return Arrays.copyOfRange(pe, (int) s.rawOffset(), (int) (s.rawOffset() + length));
            }
        }
        return null;
    }

    /**
     * The Authenticode SHA-256 of the image: what {@code db} and {@code dbx} list for a program and what its
     * signature signs. The headers without the checksum and the certificate table entry, then the sections' file
     * bytes in file order, then whatever follows them except the certificate table. Null when it is no PE image or
     * its headers or sections lie outside the file.
     */
    public static byte[] authenticodeSha256(byte[] pe) {
        int directories = dataDirectories(pe);
        int optional = peHeader(pe) + 24;
        long headers = directories < 0 ? -1 : u32(pe, optional + 60);
        if (directories < 0 || headers < directories + 5 * 8 || headers > pe.length) {
            return null;
        }
        int checksum = optional + 64;
        int certificateEntry = directories + 4 * 8;
        java.security.MessageDigest sha;
        try {
            sha = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sha.update(pe, 0, checksum);
        sha.update(pe, checksum + 4, certificateEntry - checksum - 4);
        sha.update(pe, certificateEntry + 8, (int) headers - certificateEntry - 8);
        long hashed = headers;
        List<Section> sections = new ArrayList<>(sections(pe));
        sections.removeIf(sec -> sec.rawSize() == 0);
        sections.sort(java.util.Comparator.comparingLong(Section::rawOffset));
        for (Section sec : sections) {
            if (sec.rawOffset() + sec.rawSize() > pe.length) {
                return null;
            }
            sha.update(pe, (int) sec.rawOffset(), (int) sec.rawSize());
            hashed += sec.rawSize();
        }
        long[] certificates = certificateTable(pe);
        long end = pe.length - (certificates == null ? 0 : certificates[1]);
        if (end > hashed) {
            sha.update(pe, (int) hashed, (int) (end - hashed));
        }
        return sha.digest();
    }

    /** True when the image carries at least one Authenticode signature (not whether it verifies). */
    public static boolean signed(byte[] pe) {
        return !signatures(pe).isEmpty();
    }

    /** The PKCS#7 SignedData blobs of its Authenticode signatures, in order (none when it is unsigned). */
    public static List<byte[]> signatures(byte[] pe) {
        List<byte[]> out = new ArrayList<>();
        long[] table = certificateTable(pe);
        if (table == null) {
            return out;
        }
        long offset = table[0];
        long size = table[1];
        if (size < 8 || offset < 0 || offset + size > pe.length) {
            return out;
        }
        long at = offset;
        while (at + 8 <= offset + size) {
            long length = u32(pe, (int) at);
            int type = u16(pe, (int) at + 6);
            if (length < 8 || at + length > offset + size) {
                return out;
            }
            if (type == PKCS_SIGNED_DATA && length > 8) {
                out.add(Arrays.copyOfRange(pe, (int) at + 8, (int) (at + length)));
            }
            at += (length + 7) / 8 * 8;
        }
        return out;
    }

    /**
     * Who signed it: the subject of the first signature's signing certificate (the one among its certificates that
     * issued none of the others), or null when it is unsigned or the signature holds no certificate Java can read.
     */
    public static String signer(byte[] pe) {
        for (byte[] signature : signatures(pe)) {
            try {
                Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                        .generateCertificates(new ByteArrayInputStream(signature));
                List<X509Certificate> x509 = certs.stream().filter(X509Certificate.class::isInstance)
                        .map(X509Certificate.class::cast).toList();
                for (X509Certificate c : x509) {
                    boolean issuedAnother = x509.stream().anyMatch(o -> o != c
                            && o.getIssuerX500Principal().equals(c.getSubjectX500Principal()));
                    if (!issuedAnother) {
                        return c.getSubjectX500Principal().getName(X500Principal.RFC2253);
                    }
                }
            } catch (CertificateException | RuntimeException unreadable) {
                // a signature Java cannot read names no signer
            }
        }
        return null;
    }

    private static int peHeader(byte[] pe) {
        if (pe.length < 0x40 || pe[0] != 'M' || pe[1] != 'Z') {
            return -1;
        }
        long at = u32(pe, 0x3C);
        if (at < 0x40 || at + 24 + 2 > pe.length || pe[(int) at] != 'P' || pe[(int) at + 1] != 'E'
                || pe[(int) at + 2] != 0 || pe[(int) at + 3] != 0) {
            return -1;
        }
        return (int) at;
    }

    /** A field of a possibly cut-short header: 0 past its end. */
    private static int u16(byte[] b, int o) {
        return o + 2 > b.length ? 0 : Bytes.u16le(b, o);
    }

    private static long u32(byte[] b, int o) {
        return o + 4 > b.length ? 0 : Bytes.u32le(b, o);
    }
}
