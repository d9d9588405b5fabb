package org.nixusb.lint;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.nixusb.BadInputException;
import org.nixusb.arch.EfiArch;
import org.nixusb.bootentry.BootEntry;
import org.nixusb.bootentry.BootMenuFinder;
import org.nixusb.eltorito.ElTorito;
import org.nixusb.fat.FatFileSystem;
import org.nixusb.iso9660.IsoEntry;
import org.nixusb.iso9660.IsoVolume;

/**
 * What breaks when an image's files are copied onto a FAT32 stick instead of writing the image whole (Rufus's ISO
 * mode, and what macOS and Windows users do by hand): UEFI firmware then looks for {@code \EFI\BOOT\BOOT<ARCH>.EFI}
 * in the FAT file system itself, not inside the El Torito EFI image; FAT32 holds no file of 4 GiB or more, no
 * symbolic link, no two names that differ only in case and none with {@code "*:<>?\|}; and an initramfs that finds
 * its root by label finds the stick only if the FAT label (11 upper-case characters at most) is that label. Each
 * problem is a {@link Finding} with the cure.
 */
public final class FatCopyCheck {
    /** The largest file FAT32 holds: 4 GiB less one byte. */
    static final long FAT32_MAX_FILE = 0xFFFFFFFFL;
    /** What a FAT volume label may hold (as mkfs.fat and Windows write it: upper case, no {@code "*+,./:;<=>?[\]|}). */
    private static final Pattern FAT_LABEL = Pattern.compile("[A-Z0-9 !#$%&'()@^_`{}~-]{1,11}");
    private static final Pattern FAT_FORBIDDEN = Pattern.compile("[\"*/:<>?\\\\|\\x00-\\x1f]");
    /** Kernel arguments that make an initramfs wait for a file system with this label. */
    private static final Pattern ROOT_LABEL = Pattern.compile("(?:^|\\s)(?:root=(?:live:)?(?:CD)?LABEL=|archisolabel="
            + "|live-media=/dev/disk/by-label/|root=live:/dev/disk/by-label/)(\\S+)");
    private static final int EXAMPLES = 3;

    private final IsoVolume v;
    private final List<Finding> findings = new ArrayList<>();

    private FatCopyCheck(IsoVolume v) {
        this.v = v;
    }

    /** The findings for a FAT32 copy of {@code v}'s files; none when nothing breaks. */
    public static List<Finding> check(IsoVolume v) {
        FatCopyCheck c = new FatCopyCheck(v);
        List<FatFileSystem> efiImages;
        try {
            efiImages = ElTorito.read(v).readableEfiImages();
        } catch (IOException | RuntimeException unreadable) {
            efiImages = List.of();
        }
        List<BootMenuFinder.Found> menus;
        try {
            menus = BootMenuFinder.all(v, efiImages, v.path().getFileName().toString());
        } catch (BadInputException | IOException | RuntimeException unreadable) {
            menus = List.of();
        }
        c.tree();
        c.efiTree(efiImages);
        c.symlinkedBootFiles(menus);
        c.rootLabel(menus);
        return List.copyOf(c.findings);
    }

    private void add(String id, Severity s, String problem, String read, String firmware, String cure) {
        findings.add(new Finding(id, s, problem, read, firmware, cure));
    }

    /** Files too large, and names FAT refuses or folds together. */
    private void tree() {
        List<String> large = new ArrayList<>();
        List<String> clashes = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        for (IsoEntry e : v.walk()) {
            if (!e.isDirectory() && !e.isSymlink() && e.size() > FAT32_MAX_FILE) {
                large.add(e.path() + " (" + e.size() + " bytes)");
            }
            if (e.isDirectory()) {
                Map<String, String> folded = new LinkedHashMap<>();
                for (IsoEntry c : e.children()) {
                    String name = c.name();
                    String other = folded.putIfAbsent(name.toLowerCase(Locale.ROOT), name);
                    if (other != null && !other.equals(name)) {
                        clashes.add(c.path() + " and " + other);
                    }
                    if (FAT_FORBIDDEN.matcher(name).find() || name.length() > 255 || name.endsWith(".")
                            || name.endsWith(" ")) {
                        bad.add(c.path());
                    }
                }
            }
        }
        if (!large.isEmpty()) {
            add("FAT_COPY_FILE_TOO_LARGE", Severity.WARNING, large.size() + " file" + (large.size() == 1 ? " is" : "s are")
                    + " 4 GiB or larger: " + examples(large), "the ISO 9660 directory records' data lengths",
                    "FAT32 holds files up to 4 GiB less one byte: a copy stops there (Windows: \"the file is too large "
                    + "for the destination file system\"); Rufus falls back to writing the image whole", "Write the "
                    + "image whole (nixusb:write, dd), or keep every file under 4 GiB (split the squashfs)");
        }
        if (!clashes.isEmpty()) {
            add("FAT_COPY_NAME_CLASH", Severity.WARNING, "names that differ only in case: " + examples(clashes),
                    "the directory records' names", "FAT compares names without case: the second copy overwrites "
                    + "the first or fails", "Rename one of each pair, or write the image whole");
        }
        if (!bad.isEmpty()) {
            add("FAT_COPY_BAD_NAME", Severity.WARNING, "names FAT cannot hold (\"*:<>?\\| or control characters, a "
                    + "trailing dot or space, over 255 characters): " + examples(bad), "the directory records' names",
                    "the copy skips or renames them, and what names them by path misses them", "Rename them, or write "
                    + "the image whole");
        }
    }

    /** A UEFI loader (and what it reads) only inside an El Torito EFI image. */
    private void efiTree(List<FatFileSystem> efiImages) {
        Set<String> loaders = new LinkedHashSet<>();
        Set<String> others = new LinkedHashSet<>();
        for (FatFileSystem fat : efiImages) {
            List<String> files = new ArrayList<>();
            try {
                fat.files().forEach(f -> files.add(f.path()));
            } catch (IOException | RuntimeException unreadable) {
                continue;
            }
            for (String f : files) {
                String lower = f.toLowerCase(Locale.ROOT);
                boolean inTree = v.findIgnoringCase(f) != null;
                boolean loader = false;
                for (EfiArch a : EfiArch.values()) {
                    loader |= lower.equals(a.loaderPath().toLowerCase(Locale.ROOT));
                }
                if (!inTree && loader) {
                    loaders.add(f);
                } else if (!inTree && (lower.startsWith("/efi/") || lower.startsWith("/loader/")
                        || lower.startsWith("/boot/grub/"))) {
                    others.add(f);
                }
            }
        }
        List<String> other = new ArrayList<>(others);
        if (!loaders.isEmpty()) {
            add("FAT_COPY_NO_EFI_TREE", Severity.WARNING, "the UEFI loader " + String.join(", ", loaders) + " is only "
                    + "inside the El Torito EFI image, not in the ISO tree" + (other.isEmpty() ? "" : "; so are "
                    + other.size() + " file" + (other.size() == 1 ? "" : "s") + " it reads: " + examples(other)),
                    "the El Torito EFI image's FAT and the ISO tree", "UEFI firmware looks for the loader in the "
                    + "stick's FAT file system: a copy of the tree has none, and the stick does not boot from UEFI",
                    "Put the EFI image's /EFI (and /loader) tree into the ISO tree, or write the image whole");
        } else if (!other.isEmpty()) {
            add("FAT_COPY_EFI_FILES_ONLY_IN_IMAGE", Severity.WARNING, other.size() + " file" + (other.size() == 1
                    ? "" : "s") + " the UEFI loader reads " + (other.size() == 1 ? "is" : "are") + " only inside the El "
                    + "Torito EFI image: " + examples(other), "the El Torito EFI image's FAT and the ISO tree",
                    "the loader found in a copy of the tree looks for them beside it and does not find them (GRUB: "
                    + "its prompt instead of the menu)", "Put them into the ISO tree too, or write the image whole");
        }
    }

    /** Kernels and initrds the menus name through a symbolic link. */
    private void symlinkedBootFiles(List<BootMenuFinder.Found> menus) {
        Set<String> linked = new LinkedHashSet<>();
        for (BootMenuFinder.Found f : menus) {
            if (f.kind() == BootMenuFinder.Kind.SYSTEMD_BOOT_EFI_IMAGE) {
                continue;
            }
            for (BootEntry e : f.menu().entries()) {
                List<String> files = new ArrayList<>(e.initrds());
                files.add(0, e.kernel());
                for (String file : files) {
                    String link = throughLink(file);
                    if (link != null) {
                        linked.add(file + " (" + link + ")");
                    }
                }
            }
        }
        if (!linked.isEmpty()) {
            List<String> l = new ArrayList<>(linked);
            add("FAT_COPY_NEEDS_SYMLINKS", Severity.WARNING, "boot files named through a Rock Ridge symbolic link: "
                    + examples(l), "the Rock Ridge SL entries on the path", "FAT has no symbolic links: a copy "
                    + "leaves the link out (or copies its target under the link's name, where tools follow links), "
                    + "and the boot loader does not find the file", "Name the files themselves in the menus, or "
                    + "write the image whole");
        }
    }

    /** The first component of {@code path} that is a symbolic link, as {@code /a/b -> target}; null when none is. */
    private String throughLink(String path) {
        if (path == null || !path.startsWith("/")) {
            return null;
        }
        StringBuilder p = new StringBuilder();
        for (String part : path.substring(1).split("/")) {
            p.append('/').append(part);
            IsoEntry e = v.find(p.toString());
            if (e == null) {
                return null;
            }
            if (e.isSymlink()) {
                return p + " -> " + e.symlinkTarget();
            }
        }
        return null;
    }

    /** The label an initramfs waits for, which the FAT stick must carry. */
    private void rootLabel(List<BootMenuFinder.Found> menus) {
        Set<String> labels = new LinkedHashSet<>();
        String where = null;
        for (BootMenuFinder.Found f : menus) {
            Matcher m = defaultEntryLabel(f);
            if (m != null) {
                labels.add(unescape(m.group(1)));
                where = where == null ? "entry '" + f.menu().defaultEntry().id() + "' of " + f.where() + ": "
                        + m.group().strip() : where;
            }
        }
        for (String label : labels) {
            if (FAT_LABEL.matcher(label).matches()) {
                add("FAT_COPY_ROOT_BY_LABEL", Severity.INFO, "the initramfs finds its root by the label " + label
                        + ": a FAT32 copy boots only from a stick labelled " + label, where, "the initramfs waits "
                        + "for a file system with that label and drops to a shell when none appears",
                        "Label the FAT32 file system " + label + " (mkfs.fat -n " + label + "; Rufus does it)");
            } else {
                add("FAT_COPY_ROOT_BY_LABEL", Severity.WARNING, "the initramfs finds its root by the label " + label
                        + ", which no FAT file system can carry (11 characters at most, upper case, no "
                        + "\"*+,./:;<=>?[\\]|)", where, "a FAT32 copy's initramfs waits for a label the stick cannot "
                        + "have and drops to a shell", "Write the image whole, or boot the copy with arguments "
                        + "that find the root another way (the loopback.cfg's ISO-file argument)");
            }
        }
    }

    /**
     * The label the initramfs of the image's default entries waits for (the first menu that names one), or null
     * when none does.
     */
    public static String defaultRootLabel(List<BootMenuFinder.Found> menus) {
        for (BootMenuFinder.Found f : menus) {
            Matcher m = defaultEntryLabel(f);
            if (m != null) {
                return unescape(m.group(1));
            }
        }
        return null;
    }

    /** The root label argument of the menu's default entry, matched, or null when it names none. */
    private static Matcher defaultEntryLabel(BootMenuFinder.Found f) {
        BootEntry d = f.menu().entries().isEmpty() ? null : f.menu().defaultEntry();
        Matcher m = d == null ? null : ROOT_LABEL.matcher(d.options());
        return m != null && m.find() ? m : null;
    }

    /** Whether a FAT file system can carry {@code label} as it is (11 characters at most, upper case, ...). */
    public static boolean fitsFatLabel(String label) {
        return label != null && FAT_LABEL.matcher(label).matches();
    }

    /** udev's and the kernel's \x20 escapes. */
    private static String unescape(String label) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            if (c == '\\' && i + 3 < label.length() && label.charAt(i + 1) == 'x') {
                try {
                    sb.append((char) Integer.parseInt(label.substring(i + 2, i + 4), 16));
                    i += 3;
                    continue;
                } catch (NumberFormatException notHex) {
                    // as it is
                }
            }
            sb.append(c);
        }
        return sb.toString();
    }

    private static String examples(List<String> items) {
        return String.join(", ", items.subList(0, Math.min(EXAMPLES, items.size())))
                + (items.size() > EXAMPLES ? " and " + (items.size() - EXAMPLES) + " more" : "");
    }
}
