package org.nixusb.iso9660;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.nixusb.BadInputException;
import org.nixusb.iso9660.ImageEdit.Slot;

/**
 * Where the remaster puts what it adds, by one fixed rule: the first free place in a documented list
 * of candidates, each free in every name space the image has (a place is taken when a reader would
 * resolve it to an existing entry). A valid image is never refused because a preferred place is
 * taken; a place the user configures is checked and, when taken, refused with the reason.
 */
public final class Placement {
    /** The directories ISOLINUX searches for its config, in the order it searches them. */
    static final List<String> ISOLINUX_SEARCH = List.of("/boot/isolinux", "/isolinux", "/boot/syslinux", "/syslinux",
            "/");

    /** Where the ISOLINUX files go, most preferred first: every place ISOLINUX finds its config in. */
    static final List<String> ISOLINUX_CANDIDATES = List.of("/isolinux", "/boot/isolinux", "/syslinux",
            "/boot/syslinux", "/");

    private final ImageEdit edit;
    private final Path source;

    public Placement(ImageEdit edit, Path source) {
        this.edit = edit;
        this.source = source;
    }

    /**
     * The directory for isolinux.bin, ldlinux.c32 and the modules: the configured one, or the first
     * candidate that is a directory or free and where none of {@code files} exists.
     */
    public String isolinuxDirectory(String configured, List<String> files) throws BadInputException {
        if (configured != null) {
            String dir = absolute(configured, "ISOLINUX directory");
            String why = whyNotDirectory(dir, files);
            if (why != null) {
                throw new BadInputException(source, "the configured ISOLINUX directory " + dir + " cannot be used: "
                        + why, "Choose another ISOLINUX directory, or leave it unset to let nixusb choose one");
            }
            return dir;
        }
        List<String> reasons = new ArrayList<>();
        for (String dir : ISOLINUX_CANDIDATES) {
            String why = whyNotDirectory(dir, files);
            if (why == null) {
                return dir;
            }
            reasons.add(dir + ": " + why);
        }
        throw new BadInputException(source, "no place ISOLINUX searches is free for its files ("
                + String.join("; ", reasons) + ")", "Choose an ISOLINUX directory");
    }

    private String whyNotDirectory(String dir, List<String> files) {
        Slot s = edit.slot(dir);
        if (s == Slot.FILE || s == Slot.BLOCKED) {
            return s == Slot.FILE ? "it is a file" : "a component of it is a file";
        }
        for (String f : files) {
            String p = join(dir, f);
            if (edit.slot(p) != Slot.FREE) {
                return p + " exists";
            }
        }
        return null;
    }

    /** Where the generated config goes, and whether it replaces a config of the source. */
    public record Config(String path, boolean replaces) {
    }

    /**
     * Where the generated config goes: a config ISOLINUX would read before one in {@code bootDir}
     * (it takes the first it finds) is replaced; else {@code bootDir/syslinux.cfg}, or
     * {@code isolinux.cfg} there when that name is taken.
     */
    public Config configPath(String bootDir) throws BadInputException {
        for (String dir : ISOLINUX_SEARCH) {
            for (String name : List.of("isolinux.cfg", "syslinux.cfg")) {
                String p = join(dir, name);
                if (edit.slot(p) == Slot.FILE) {
                   return new Config(p, true);
                }
            }
            if (dir.equals(bootDir)) {
                break;
            }
        }
        for (String name : List.of("syslinux.cfg", "isolinux.cfg")) {
            String p = join(bootDir, name);
            if (edit.slot(p) == Slot.FREE) {
               return new Config(p, false);
            }
        }
        throw new BadInputException(source, "both " + join(bootDir, "syslinux.cfg") + " and isolinux.cfg are "
                + "directories", "Choose another ISOLINUX directory");
    }

    /** Where a created EFI image goes: the configured path, or the first free of the default list. */
    public String efiImagePath(String configured) throws BadInputException {
        if (configured != null) {
            String p = absolute(configured, "EFI image path");
            Slot s = edit.slot(p);
            if (s != Slot.FREE) {
                throw new BadInputException(source, "the configured EFI image path " + p + " is taken ("
                        + describe(s) + ")", "Choose a path that does not exist in the source, or leave it unset");
            }
            return p;
        }
        for (String p : List.of("/boot/efi.img", "/boot/nixusb-efi.img", "/nixusb-efi.img")) {
            if (edit.slot(p) == Slot.FREE) {
                return p;
            }
        }
        for (int n = 2;; n++) {
            String p = "/nixusb-efi-" + n + ".img";
            if (edit.slot(p) == Slot.FREE) {
                return p;
            }
        }
    }

    /** Whether a file can be added at {@code path} or replace the file there. */
    public boolean canWriteFile(String path) {
        Slot s = edit.slot(path);
        return s == Slot.FREE || s == Slot.FILE;
    }

    /**
     * Where a file copied out of the EFI image goes: its own path when free, else the same path under
     * /nixusb, /nixusb-2, ...
     */
    public String copiedFile(String path) {
        if (edit.slot(path) == Slot.FREE) {
            return path;
        }
        for (int n = 1;; n++) {
            String p = (n == 1 ? "/nixusb" : "/nixusb-" + n) + (path.startsWith("/") ? path : "/" + path);
            if (edit.slot(p) == Slot.FREE) {
                return p;
            }
        }
    }

    private String absolute(String configured, String what) throws BadInputException {
        String p = configured.trim().replace('\\', '/');
        if (!p.startsWith("/") || p.contains("/../") || p.endsWith("/..") || p.contains("//") && !p.equals("/")) {
            throw new BadInputException(source, "the " + what + " '" + configured + "' is not an absolute path in the "
                    + "image", "Write it as /dir/name");
        }
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    private static String describe(Slot s) {
        return switch (s) {
            case FILE -> "a file is there";
            case DIRECTORY -> "a directory is there";
            case BLOCKED -> "a component of it is a file";
            case FREE -> "free";
        };
    }

    /** The directory of an absolute image path ("/" for a file in the root). */
    public static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    public static String join(String dir, String name) {
        return dir.equals("/") ? "/" + name : dir + "/" + name;
    }
}
