package org.nixusb.bootentry;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a syslinux/ISOLINUX configuration as syslinux does: keywords in any case; {@code INCLUDE} and
 * {@code MENU INCLUDE} of other files; {@code CONFIG} (a fresh start with another file, in its directory or the one
 * named); {@code DEFAULT}, {@code ONTIMEOUT}, {@code MENU DEFAULT}; {@code TIMEOUT} and {@code TOTALTIMEOUT} in
 * tenths of a second; {@code LABEL} with {@code KERNEL} (its kind by the file name: {@code .c32} COM32 module,
 * {@code .0} PXE, {@code .bin}/{@code .bs}/{@code .bss} boot sector, {@code .cbt}/{@code .com} COMBOOT, memdisk;
 * anything else a Linux kernel), {@code LINUX}, {@code COM32}, {@code BOOT}, {@code BSS}, {@code PXE},
 * {@code FDIMAGE}, {@code COMBOOT}, {@code CONFIG} and {@code LOCALBOOT}; {@code APPEND} (a global one for labels
 * without their own; {@code -} for none) with one or several {@code initrd=a,b} and {@code INITRD};
 * {@code MENU LABEL} (its {@code ^} hotkey marks dropped), {@code MENU HIDE}, {@code MENU BEGIN}/{@code MENU END}
 * submenus (entries titled "Submenu > Label") with {@code MENU TITLE}; {@code TEXT HELP} ... {@code ENDTEXT},
 * {@code SAY}, {@code IPAPPEND}, {@code PATH}. Relative paths are resolved against the directory syslinux works
 * in (the config's, or the one {@code CONFIG} names).
 */
public final class SyslinuxConfigReader {
    private static final int MAX_FILES = 64;

    /** A label that is not a Linux kernel, or cannot be booted another way: its name and why. */
    public record Skipped(String label, String title, String why) {
    }

    /** What the config holds: the Linux entries as a menu, the other labels, and what was not understood. */
    public record Result(BootMenu menu, List<Skipped> skipped, List<String> files, List<String> warnings) {
    }

    private final Function<String, String> files;
    private final List<String> warnings = new ArrayList<>();
    private final List<String> read = new ArrayList<>();

    private SyslinuxConfigReader(Function<String, String> files) {
        this.files = files;
    }

    /**
     * Reads the config at {@code path} (text {@code config}), following the files it names through {@code files}
     * (absolute path on the medium to text, or null when there is none).
     */
    public static Result read(String config, String path, Function<String, String> files, String origin) {
        SyslinuxConfigReader r = new SyslinuxConfigReader(files);
        return r.run(config, path, origin);
    }

    /** One label as the config describes it. */
    private static final class Label {
        String name;
        String title;
        String kind;
        String kernel;
        String append;
        final List<String> initrds = new ArrayList<>();
        boolean hidden;
        boolean menuDefault;
        String prefix;
        String cwd;
        String file;
    }

    /** The state of one pass over the files (a CONFIG starts a new one). */
    private static final class State {
        final List<Label> labels = new ArrayList<>();
        String globalAppend;
        String defaultCmd;
        String onTimeout;
        int timeout;
        int totalTimeout;
        String restartWith;
        String restartDir;
        final List<String> submenu = new ArrayList<>();
        final List<String> pendingTitle = new ArrayList<>();
    }

    private Result run(String config, String path, String origin) {
        String text = config;
        String file = path;
        String cwd = parent(path);
        State s = null;
        for (int restart = 0; restart < 8; restart++) {
            s = new State();
            parse(text, file, cwd, s, 0);
            if (s.restartWith == null) {
                break;
            }
            String next = resolve(s.restartWith, cwd);
            String nextText = read(next);
            if (nextText == null) {
                warnings.add(file + ": CONFIG " + s.restartWith + ": no such file on the medium; syslinux stays with "
                        + "this config");
                s.restartWith = null;
                break;
            }
            cwd = s.restartDir != null ? resolve(s.restartDir, cwd) : parent(next);
            file = next;
            text = nextText;
        }
        return finish(s, origin);
    }

    private String read(String path) {
        if (read.size() >= MAX_FILES) {
            return null;
        }
        String t = files.apply(path);
        if (t != null) {
            read.add(path);
        }
        return t;
    }

    private void parse(String text, String file, String cwd, State s, int depth) {
        Label label = null;
        boolean inText = false;
        for (String raw : text.split("\r?\n")) {
            String line = raw.strip();
            if (inText) {
                if (line.equalsIgnoreCase("ENDTEXT")) {
                    inText = false;
                }
                continue;
            }
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] kv = line.split("\\s+", 2);
            String key = kv[0].toUpperCase(Locale.ROOT);
            String value = kv.length > 1 ? kv[1].strip() : "";
            if (key.equals("MENU") && !value.isEmpty()) {
                label = menuLine(value, label, file, cwd, s, depth);
                continue;
            }
            switch (key) {
                case "INCLUDE" -> include(value, file, cwd, s, depth);
                case "TEXT" -> inText = value.equalsIgnoreCase("HELP");
                case "LABEL" -> {
                    label = new Label();
                    label.name = value;
                    label.prefix = submenuPrefix(s);
                    label.cwd = cwd;
                    label.file = file;
                    s.labels.add(label);
                }
                case "DEFAULT" -> s.defaultCmd = value;
                case "ONTIMEOUT" -> s.onTimeout = value;
                case "TIMEOUT" -> s.timeout = tenths(value, file);
                case "TOTALTIMEOUT" -> s.totalTimeout = tenths(value, file);
                case "APPEND" -> {
                    if (label == null) {
                        s.globalAppend = value;
                    } else {
                        label.append = value;
                    }
                }
                case "INITRD" -> {
                    if (label != null) {
                        for (String i : value.split(",")) {
                            if (!i.isBlank()) {
                                label.initrds.add(resolve(i.strip(), cwd));
                            }
                        }
                    }
                }
                case "KERNEL", "LINUX", "COM32", "BOOT", "BSS", "PXE", "FDIMAGE", "COMBOOT" -> {
                    if (label != null && !value.isEmpty()) {
                        String k = value.split("\\s+")[0];
                        label.kernel = k;
                        label.kind = key.equals("KERNEL") ? kindOf(k) : key.equals("LINUX") ? "linux"
                                : key.toLowerCase(Locale.ROOT);
                        if (value.contains(" ") && label.append == null) {
                            // "KERNEL vmlinuz opts" is a command line too
                            label.append = value.substring(k.length()).strip();
                        }
                    }
                }
                case "LOCALBOOT" -> {
                    if (label != null) {
                        label.kind = "localboot";
                    }
                }
                case "CONFIG" -> {
                    if (label != null) {
                        label.kind = "config";
                        label.kernel = value.split("\\s+")[0];
                    } else if (!value.isEmpty()) {
                        String[] cv = value.split("\\s+");
                        s.restartWith = cv[0];
                        s.restartDir = cv.length > 1 ? cv[1] : null;
                        return;
                    }
                }
                default -> {
                    // SAY, IPAPPEND, PATH, UI, PROMPT, SERIAL, DISPLAY, F1..F12, ALLOWOPTIONS, IMPLICIT, NOESCAPE...
                }
            }
        }
    }

    /** A MENU line: titles, hidden and default labels, submenus, MENU INCLUDE; returns the label that is open after it. */
    private Label menuLine(String value, Label label, String file, String cwd, State s, int depth) {
        String[] mv = value.split("\\s+", 2);
        String sub = mv[0].toUpperCase(Locale.ROOT);
        String rest = mv.length > 1 ? mv[1].strip() : "";
        switch (sub) {
            case "LABEL" -> {
                if (label != null) {
                    label.title = rest.replace("^", "");
                }
            }
            case "HIDE" -> {
                if (label != null) {
                    label.hidden = true;
                }
            }
            case "DEFAULT" -> {
                if (label != null) {
                    label.menuDefault = true;
                }
            }
            case "BEGIN" -> {
                s.submenu.add(rest.isEmpty() ? "Submenu" : rest);
                s.pendingTitle.add(null);
                return null;
            }
            case "END" -> {
                if (!s.submenu.isEmpty()) {
                    s.submenu.remove(s.submenu.size() - 1);
                    s.pendingTitle.remove(s.pendingTitle.size() - 1);
                }
                return null;
            }
            case "TITLE" -> {
                if (!s.submenu.isEmpty() && label == null) {
                    s.pendingTitle.set(s.pendingTitle.size() - 1, rest);
                }
            }
            case "INCLUDE" -> include(rest, file, cwd, s, depth);
            default -> {
                // colours, positions, passwords, separators: nothing that changes what boots
            }
        }
        return label;
    }

    private void include(String value, String file, String cwd, State s, int depth) {
        if (value.isEmpty()) {
            return;
        }
        String p = resolve(value.split("\\s+")[0], cwd);
        if (depth >= 16) {
            warnings.add(file + ": INCLUDE " + value + ": includes nest too deep");
            return;
        }
        String t = read(p);
        if (t == null) {
            warnings.add(file + ": INCLUDE " + value + ": no such file on the medium (syslinux skips it too)");
            return;
        }
        parse(t, p, cwd, s, depth + 1);
    }

    private static String submenuPrefix(State s) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < s.submenu.size(); i++) {
            String t = s.pendingTitle.get(i);
            parts.add(t != null ? t : s.submenu.get(i));
        }
        return String.join(" > ", parts);
    }

    private int tenths(String value, String file) {
        try {
            return Integer.parseInt(value.strip().split("\\s+")[0]);
        } catch (NumberFormatException e) {
            warnings.add(file + ": timeout '" + value + "' is not a number");
            return 0;
        }
    }

    /** The kind of image {@code KERNEL} names, by its file name, as syslinux decides it. */
    static String kindOf(String kernel) {
        String n = kernel.toLowerCase(Locale.ROOT);
        String base = n.substring(n.lastIndexOf('/') + 1);
        if (base.equals("memdisk")) {
            return "memdisk";
        }
        if (n.endsWith(".c32")) {
            return "com32";
        }
        if (n.endsWith(".0")) {
            return "pxe";
        }
        if (n.endsWith(".bin") || n.endsWith(".bs") || n.endsWith(".bss")) {
            return "boot sector";
        }
        if (n.endsWith(".cbt") || n.endsWith(".com")) {
            return "comboot";
        }
        return "linux";
    }

    private Result finish(State s, String origin) {
        List<BootEntry> entries = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        String wanted = firstWord(s.onTimeout != null ? s.onTimeout : s.defaultCmd);
        String defaultId = null;
        String menuDefaultId = null;
        for (Label l : s.labels) {
            String title = (l.prefix.isEmpty() ? "" : l.prefix + " > ") + (l.title != null ? l.title : l.name);
            if (!"linux".equals(l.kind)) {
                String why = l.kind == null ? "it names no kernel" : switch (l.kind) {
                    case "localboot" -> "LOCALBOOT boots the next device";
                    case "config" -> "it loads another syslinux config (" + l.kernel + ")";
                    case "memdisk" -> "memdisk boots a disk image in BIOS only";
                    default -> l.kernel + " is a " + l.kind + ", which runs in BIOS only";
                };
                skipped.add(new Skipped(l.name, title, why));
                continue;
            }
            String append = l.append != null ? l.append : s.globalAppend != null ? s.globalAppend : "";
            if (append.equals("-")) {
                append = "";
            }
            List<String> initrds = new ArrayList<>(l.initrds);
            List<String> options = new ArrayList<>();
            for (String w : append.split("\\s+")) {
                if (w.toLowerCase(Locale.ROOT).startsWith("initrd=")) {
                    for (String i : w.substring(7).split(",")) {
                        if (!i.isBlank()) {
                            initrds.add(resolve(i, l.cwd));
                        }
                    }
                } else if (!w.isEmpty()) {
                    options.add(w);
                }
            }
            String id = l.name;
            for (int n = 2; !ids.add(id); n++) {
                id = l.name + "-" + n;
            }
            if (l.hidden && !l.name.equals(wanted) && !l.menuDefault) {
                skipped.add(new Skipped(l.name, title, "MENU HIDE: it is not in the menu"));
                continue;
            }
            entries.add(new BootEntry(id, title, resolve(l.kernel, l.cwd), List.copyOf(initrds),
                    String.join(" ", options), origin));
            if (l.name.equals(wanted) && defaultId == null) {
                defaultId = id;
            }
            // MENU DEFAULT inside a submenu picks that submenu's entry, not the menu's
            if (l.menuDefault && l.prefix.isEmpty() && menuDefaultId == null) {
                menuDefaultId = id;
            }
        }
        if (defaultId == null) {
            defaultId = menuDefaultId;
        }
        if (defaultId == null && !entries.isEmpty()) {
            defaultId = entries.get(0).id();
        }
        // TIMEOUT 0 (or none) waits for the user; TOTALTIMEOUT bounds that wait
        int tenths = s.timeout > 0 ? s.timeout : s.totalTimeout;
        int seconds = tenths <= 0 ? -1 : (tenths + 9) / 10;
        return new Result(new BootMenu(List.copyOf(entries), defaultId, seconds), List.copyOf(skipped),
                List.copyOf(read), List.copyOf(warnings));
    }

    private static String firstWord(String cmd) {
        return cmd == null || cmd.isBlank() ? null : cmd.strip().split("\\s+")[0];
    }

    /** A path as syslinux resolves it: absolute as it is, relative to the working directory. */
    static String resolve(String p, String cwd) {
        String s = p.startsWith("/") ? p : (cwd.isEmpty() ? "" : cwd) + "/" + p;
        List<String> parts = new ArrayList<>();
        for (String part : s.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.remove(parts.size() - 1);
                }
            } else {
                parts.add(part);
            }
        }
        return "/" + String.join("/", parts);
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "" : path.substring(0, slash);
    }
}
