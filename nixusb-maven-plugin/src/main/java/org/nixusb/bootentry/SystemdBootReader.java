package org.nixusb.bootentry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads Boot Loader Specification type 1 entries (systemd-boot / gummiboot): {@code /loader/entries/*.conf}
 * ({@code title}, {@code linux}, repeated {@code initrd}, repeated {@code options}) and
 * {@code /loader/loader.conf} ({@code default}, {@code timeout}).
 */
public final class SystemdBootReader {
    /** Warnings about keys that have no BIOS equivalent (efi, devicetree). */
    private final List<String> warnings = new ArrayList<>();

    public List<String> warnings() {
        return warnings;
    }

    /**
     * Builds the menu.
     *
     * @param entryFiles file name (e.g. "nixos-livecd.conf") to content
     * @param loaderConf content of loader.conf, or null
     * @param origin where the files were found, for messages
     * @return the menu; its entry list is empty when no entry names a kernel
     */
    public BootMenu parse(Map<String, String> entryFiles, String loaderConf, String origin) {
        List<BootEntry> entries = new ArrayList<>();
        Map<String, String> sorted = new TreeMap<>(entryFiles);
        for (Map.Entry<String, String> f : sorted.entrySet()) {
            String id = f.getKey().endsWith(".conf") ? f.getKey().substring(0, f.getKey().length() - 5) : f.getKey();
            String title = null;
            String linux = null;
            List<String> initrds = new ArrayList<>();
            List<String> options = new ArrayList<>();
            for (String raw : f.getValue().split("\r?\n")) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] kv = line.split("\\s+", 2);
                String key = kv[0];
                String value = kv.length > 1 ? kv[1].strip() : "";
                switch (key) {
                    case "title" -> title = value;
                    case "linux" -> linux = normalise(value);
                    case "initrd" -> {
                        for (String part : value.split("\\s+")) {
                            if (!part.isEmpty()) {
                                initrds.add(normalise(part));
                            }
                        }
                    }
                    case "options" -> options.add(value);
                    case "efi", "devicetree", "devicetree-overlay" -> warnings.add(origin + "/entries/" + f.getKey()
                            + ": '" + key + "' has no BIOS equivalent and is ignored");
                    default -> {
                        // version, machine-id, architecture, ...: not needed for booting
                    }
                }
            }
            if (linux == null) {
                warnings.add(origin + "/entries/" + f.getKey() + " names no 'linux' kernel and is skipped");
                continue;
            }
            entries.add(new BootEntry(id, title == null ? id : title, linux, List.copyOf(initrds),
                    String.join(" ", options), origin + "/entries/" + f.getKey()));
        }
        String defaultPattern = null;
        int timeout = 0;
        if (loaderConf != null) {
            for (String raw : loaderConf.split("\r?\n")) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] kv = line.split("\\s+", 2);
                String value = kv.length > 1 ? kv[1].strip() : "";
                if (kv[0].equals("default")) {
                    defaultPattern = value;
                } else if (kv[0].equals("timeout")) {
                    timeout = parseTimeout(value);
                }
            }
        }
        String defaultId = entries.isEmpty() ? null : entries.get(0).id();
        if (defaultPattern != null && !defaultPattern.startsWith("@")) {
            String pattern = defaultPattern.endsWith(".conf")
                    ? defaultPattern.substring(0, defaultPattern.length() - 5) : defaultPattern;
            // systemd-boot picks the matching entry that sorts last by version; take the highest id
            defaultId = entries.stream().map(BootEntry::id).filter(id -> globMatches(pattern, id))
                    .max(Comparator.naturalOrder()).orElse(defaultId);
        }
        return new BootMenu(List.copyOf(entries), defaultId, timeout);
    }

    /**
     * fnmatch-style matching as systemd-boot does for {@code default}: {@code *}, {@code ?} and
     * bracket classes ({@code [a-z]}, {@code [!x]} or {@code [^x]}); a bracket without its closing
     * {@code ]} and every other character match themselves. Any text is a valid pattern, and the time
     * is linear in pattern times text (backtracking only to the last {@code *}).
     */
    static boolean globMatches(String pattern, String text) {
        int p = 0;
        int t = 0;
        int star = -1;
        int starText = 0;
        while (t < text.length()) {
            if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                starText = t;
                continue;
            }
            int next = p < pattern.length() ? matchOne(pattern, p, text.charAt(t)) : -1;
            if (next >= 0) {
                p = next;
                t++;
            } else if (star >= 0) {
                p = star + 1;
                t = ++starText;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    /** Where the pattern goes on when the token at {@code p} matches {@code c}, or -1. */
    private static int matchOne(String pattern, int p, char c) {
        char first = pattern.charAt(p);
        if (first == '?') {
            return p + 1;
        }
        int end = first == '[' ? pattern.indexOf(']', p + 2) : -1;
        if (end < 0) {
            return first == c ? p + 1 : -1;
        }
        boolean negate = pattern.charAt(p + 1) == '!' || pattern.charAt(p + 1) == '^';
        boolean in = false;
        for (int k = p + (negate ? 2 : 1); k < end; k++) {
            if (k + 2 < end && pattern.charAt(k + 1) == '-') {
                in |= c >= pattern.charAt(k) && c <= pattern.charAt(k + 2);
                k += 2;
            } else {
                in |= c == pattern.charAt(k);
            }
        }
        return in != negate ? end + 1 : -1;
    }

    static int parseTimeout(String value) {
        switch (value) {
            case "menu-force":
                return -1;
            case "menu-hidden":
            case "menu-disabled":
                return 0;
            default:
                try {
                    return Math.max(0, Integer.parseInt(value));
                } catch (NumberFormatException e) {
                    return 0;
                }
        }
    }

    /** Makes a path absolute and collapses repeated slashes ("/boot//nix/store/..."). */
    static String normalise(String path) {
        String p = path.replace('\\', '/').replaceAll("/+", "/");
        return p.startsWith("/") ? p : "/" + p;
    }
}
