package org.nixusb.iso9660;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Locale;
import java.util.Set;

/** ISO 9660 file identifiers for new entries (8.3 d-characters) and the directory record order of 9.3. */
public final class IsoNames {
    private IsoNames() {
    }

    /**
     * A unique identifier for a new entry: 8.3 upper-case d-characters ("ISOLINUX.BIN;1" for a file,
     * "ISOLINUX" for a directory), with a numeric suffix when the name is taken.
     *
     * @param taken the {@link #key}s of the identifiers already in the directory
     */
    public static String identifierFor(String name, boolean directory, Set<String> taken) {
        String base = name;
        String ext = "";
        int dot = name.lastIndexOf('.');
        if (!directory && dot > 0) {
            base = name.substring(0, dot);
            ext = name.substring(dot + 1);
        }
        base = dChars(base);
        ext = dChars(ext);
        if (base.isEmpty()) {
            base = "_";
        }
        if (base.length() > 8) {
            base = base.substring(0, 8);
        }
        if (ext.length() > 3) {
            ext = ext.substring(0, 3);
        }
        String candidate = join(base, ext, directory);
        for (int n = 1; taken.contains(key(candidate)); n++) {
            String suffix = "_" + n;
            candidate = join(base.substring(0, Math.min(base.length(), 8 - suffix.length())) + suffix, ext, directory);
        }
        return candidate;
    }

    private static String join(String base, String ext, boolean directory) {
        if (directory) {
            return base;
        }
        return base + "." + ext + ";1";
    }

    /**
     * The name under which readers find an ISO 9660 identifier, for comparisons: without the version
     * (";1"), without a trailing dot ("BOOT." is "BOOT"), in upper case (d-characters compare
     * case-insensitively; Linux, xorriso and ISOLINUX all match them so).
     */
    public static String key(String identifier) {
        return IsoVolume.isoName(identifier).toUpperCase(Locale.ROOT);
    }

    /**
     * Whether a reader that goes by ISO 9660 names finds the existing identifier when asked for
     * {@code name}: the same {@link #key}. A shortened 8.3 form is not the same name ("LONGFILE.TXT"
     * may stand for any long name), so a new entry then gets an identifier of its own.
     */
    public static boolean sameEntry(String existingIdentifier, String name) {
        return key(existingIdentifier).equals(key(name));
    }

    private static String dChars(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toUpperCase(Locale.ROOT).toCharArray()) {
            sb.append((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ? c : '_');
        }
        return sb.toString();
    }

    /**
     * Orders identifiers as ISO 9660 9.3 does: by name, then extension (shorter padded with spaces),
     * then version descending. "." (0x00) and ".." (0x01) sort first.
     */
    public static final Comparator<byte[]> ORDER = (a, b) -> {
        String sa = new String(a, StandardCharsets.ISO_8859_1);
        String sb = new String(b, StandardCharsets.ISO_8859_1);
        String[] pa = split(sa);
        String[] pb = split(sb);
        int c = comparePadded(pa[0], pb[0]);
        if (c != 0) {
            return c;
        }
        c = comparePadded(pa[1], pb[1]);
        if (c != 0) {
            return c;
        }
        return comparePadded(pb[2], pa[2]);
    };

    private static String[] split(String id) {
        String version = "";
        int semi = id.indexOf(';');
        if (semi >= 0) {
            version = id.substring(semi + 1);
            id = id.substring(0, semi);
        }
        int dot = id.indexOf('.');
        if (dot >= 0 && id.length() > 1) {
            return new String[] {id.substring(0, dot), id.substring(dot + 1), version};
        }
        return new String[] {id, "", version};
    }

    private static int comparePadded(String a, String b) {
        int n = Math.max(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            int ca = i < a.length() ? a.charAt(i) : ' ';
            int cb = i < b.length() ? b.charAt(i) : ' ';
            if (ca != cb) {
                return ca - cb;
            }
        }
        return 0;
    }
}
