package org.nixusb.bootentry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the Linux entries of a GRUB 2 {@code grub.cfg}: {@code menuentry} blocks (also inside
 * {@code submenu}) with {@code linux}/{@code linux16}/{@code linuxefi} and {@code initrd} lines, and the
 * top-level {@code set default=} and {@code set timeout=}. Device prefixes ({@code (cd0)}, {@code ($root)})
 * are dropped and repeated slashes collapsed; entries without a kernel (chainloader, halt) are skipped.
 * GRUB's scripting (if/fi, functions, variables) is not evaluated.
 */
public final class GrubConfigReader {
    private final List<String> warnings = new ArrayList<>();

    public List<String> warnings() {
        return warnings;
    }

    public BootMenu parse(String config, String origin) {
        List<BootEntry> entries = new ArrayList<>();
        String defaultValue = "0";
        int timeout = 5;
        String title = null;
        String id = null;
        String kernel = null;
        String options = "";
        List<String> initrds = new ArrayList<>();
        String submenu = "";
        int depth = 0;
        int entryDepth = -1;
        for (String raw : config.split("\r?\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            List<String> words = words(line);
            String cmd = words.isEmpty() ? "" : words.get(0);
            if (cmd.equals("menuentry") && words.size() > 1) {
                title = (submenu.isEmpty() ? "" : submenu + " > ") + words.get(1);
                id = option(words, "--id");
                kernel = null;
                options = "";
                initrds = new ArrayList<>();
                entryDepth = depth;
                int brace = line.indexOf('{');
                int close = line.lastIndexOf('}');
                if (brace >= 0 && close > brace) { // a one-line entry: menuentry "x" { linux /k }
                    List<String> inner = words(line.substring(brace + 1, close));
                    if (!inner.isEmpty() && inner.get(0).startsWith("linux") && inner.size() > 1) {
                        kernel = path(inner.get(1));
                        options = String.join(" ", inner.subList(2, inner.size()));
                    }
                }
            } else if (cmd.equals("submenu") && words.size() > 1) {
                submenu = words.get(1);
            } else if (title != null && (cmd.equals("linux") || cmd.equals("linux16") || cmd.equals("linuxefi"))
                    && words.size() > 1) {
                kernel = path(words.get(1));
                options = String.join(" ", words.subList(2, words.size()));
            } else if (title != null && (cmd.equals("initrd") || cmd.equals("initrd16") || cmd.equals("initrdefi"))) {
                for (String w : words.subList(1, words.size())) {
                    initrds.add(path(w));
                }
            } else if (title == null && cmd.equals("set") && words.size() > 1) {
                String[] kv = words.get(1).split("=", 2);
                if (kv.length == 2 && kv[0].equals("default")) {
                    defaultValue = unquote(kv[1]);
                } else if (kv.length == 2 && kv[0].equals("timeout")) {
                    try {
                        timeout = Integer.parseInt(unquote(kv[1]));
                    } catch (NumberFormatException e) {
                        warnings.add(origin + ": timeout '" + kv[1] + "' is not a number; 5 s is used");
                    }
                }
            }
            depth += count(line, '{') - count(line, '}');
            if (title != null && depth <= entryDepth) {
                if (kernel != null) {
                    String entryId = id != null ? id : slug(title, entries.size());
                    if (options.contains("$")) {
                        warnings.add(origin + ": the entry '" + title + "' uses GRUB variables in its command line ("
                                + options + "); they are kept as written");
                    }
                    entries.add(new BootEntry(entryId, title, kernel, List.copyOf(initrds), options, origin));
                } else {
                    warnings.add(origin + ": the entry '" + title + "' loads no Linux kernel and is skipped");
                }
                title = null;
                entryDepth = -1;
            }
            if (depth == 0) {
                submenu = "";
            }
        }
        String defaultId = entries.isEmpty() ? null : entries.get(0).id();
        for (int i = 0; i < entries.size(); i++) {
            BootEntry e = entries.get(i);
            if (defaultValue.equals(String.valueOf(i)) || defaultValue.equals(e.id()) || defaultValue.equals(e.title())) {
                defaultId = e.id();
            }
        }
        return new BootMenu(List.copyOf(entries), defaultId, timeout < 0 ? -1 : timeout);
    }

    /** Splits a line into words, honouring single and double quotes and dropping a trailing '{'. */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        char quote = 0;
        boolean any = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    cur.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                any = true;
            } else if (Character.isWhitespace(c)) {
                if (any) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    any = false;
                }
            } else if ((c == '{' || c == '}') && !any) {
                continue;
            } else {
                cur.append(c);
                any = true;
            }
        }
        if (any) {
            out.add(cur.toString());
        }
        return out;
    }

    private static String option(List<String> words, String name) {
        for (int i = 2; i < words.size() - 1; i++) {
            if (words.get(i).equals(name)) {
                return words.get(i + 1);
            }
            if (words.get(i).startsWith(name + "=")) {
                return words.get(i).substring(name.length() + 1);
            }
        }
        return null;
    }

    /** "(cd0)/boot//x", "($root)/x" and "${root}/x" become "/boot/x" and "/x". */
    static String path(String p) {
        String s = p.replaceFirst("^\\([^)]*\\)", "").replaceFirst("^\\$\\{?root}?", "");
        s = s.replaceAll("/+", "/");
        return s.startsWith("/") ? s : "/" + s;
    }

    private static String unquote(String s) {
        return s.replaceAll("^[\"']|[\"']$", "");
    }

    private static String slug(String title, int index) {
        String s = title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        return s.isEmpty() ? "entry-" + (index + 1) : s;
    }

    private static int count(String s, char c) {
        int n = 0;
        char quote = 0;
        for (char x : s.toCharArray()) {
            if (quote != 0) {
                if (x == quote) {
                    quote = 0;
                }
            } else if (x == '\'' || x == '"') {
                quote = x;
            } else if (x == c) {
                n++;
            }
        }
        return n;
    }
}
