package org.nixusb.bootentry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

import org.nixusb.bootentry.GrubScript.Block;
import org.nixusb.bootentry.GrubScript.If;
import org.nixusb.bootentry.GrubScript.Loop;
import org.nixusb.bootentry.GrubScript.Node;
import org.nixusb.bootentry.GrubScript.Part;
import org.nixusb.bootentry.GrubScript.Simple;
import org.nixusb.bootentry.GrubScript.Word;

/**
 * Reads the Linux entries of a GRUB 2 config the way GRUB runs it, as far as a menu can be read without running
 * it: the config runs first (following {@code source} and {@code configfile} of files on the medium, keeping
 * {@code set} and {@code name=value} assignments in order, deciding {@code if} where the condition is a test of
 * strings or of files on the medium), building the menu; an entry's body then runs with the variables the config
 * left, as when a user picks it. {@code linux}/{@code linux16}/{@code linuxefi} and {@code initrd} lines are
 * expanded with GRUB's quoting rules: an unset variable expands to nothing, so no {@code $} that GRUB would expand
 * reaches a kernel. Options of {@code menuentry} and {@code submenu} ({@code --class}, {@code --id},
 * {@code --hotkey}, {@code --users}, {@code --unrestricted}, {@code --source}) are options wherever they stand;
 * the first other word is the title. Device prefixes ({@code (cd0)}, {@code ($root)}) are dropped: paths are the
 * medium's.
 * <p>
 * What cannot be decided (a variable set only inside an {@code if} whose condition is not a test, or by
 * {@code search}, {@code regexp} or {@code probe}; an entry defined inside such an {@code if}) gets a warning
 * naming the file, line and entry, and an entry whose kernel, initrds or command line depend on it is left out.
 */
public final class GrubConfigReader {
    /** Variables GRUB sets itself that depend on the machine or the boot: their values are unknown here. */
    private static final Set<String> MACHINE_VARIABLES = Set.of("grub_platform", "grub_cpu", "prefix", "cmdpath",
            "net_default_ip", "net_default_mac", "net_default_server", "lang", "locale_dir", "secondary_locale_dir",
            "chosen", "saved_entry", "next_entry", "prev_saved_entry", "boot_once", "grub_secure_boot");
    private static final Set<String> ENTRY_OPTIONS_WITH_VALUE = Set.of("--class", "--users", "--hotkey", "--id",
            "--source");
    private static final int MAX_DEPTH = 16;
    /** more files than any menu sources: a config that sources itself several times stops here */
    private static final int MAX_SOURCED = 256;

    private final List<String> warnings = new ArrayList<>();
    private final Predicate<String> exists;
    private final Function<String, String> files;
    private int depth;
    private int sourcedFiles;

    /** A reader that sees no other files ({@code source} and {@code configfile} are warned about). */
    public GrubConfigReader() {
        this(path -> false, path -> null);
    }

    /**
     * @param exists whether a file exists on the medium, by its absolute path (GRUB's {@code -e} and {@code -f})
     * @param files the text of a config file on the medium by its absolute path, or null when there is none
     *        ({@code source} and {@code configfile})
     */
    public GrubConfigReader(Predicate<String> exists, Function<String, String> files) {
        this.exists = exists;
        this.files = files;
    }

    public List<String> warnings() {
        return warnings;
    }

    /** Variables at one moment: known values, and the names whose value cannot be known. */
    private static final class Scope {
        final Map<String, String> values = new HashMap<>();
        final Set<String> unknown = new HashSet<>();

        Scope copy() {
            Scope s = new Scope();
            s.values.putAll(values);
            s.unknown.addAll(unknown);
            return s;
        }

        boolean isUnknown(String name) {
            return unknown.contains(name) || name.startsWith("feature_") || MACHINE_VARIABLES.contains(name)
                    && !values.containsKey(name);
        }

        void set(String name, String value) {
            values.put(name, value);
            unknown.remove(name);
        }

        void forget(String name) {
            values.remove(name);
            unknown.add(name);
        }
    }

    /** A menu item as the config defined it. */
    private record Item(Block block, String title, List<String> options, String file, String whyUncertain,
            List<Item> children) {
    }

    /** A word after expansion; {@code unknown} names the variables whose values it needed and could not know. */
    private record Expanded(String text, boolean present, Set<String> unknown) {
    }

    /** Parses a config that cannot source other files. */
    public BootMenu parse(String config, String origin) {
        return parse(config, null, origin);
    }

    /**
     * Parses a config.
     *
     * @param path the config's absolute path on the medium (for its messages; null when unknown)
     * @param origin what the entries say they came from
     */
    public BootMenu parse(String config, String path, String origin) {
        Scope scope = new Scope();
        List<Item> items = new ArrayList<>();
        String file = origin;
        run(config, file, scope, items, null);
        List<BootEntry> entries = new ArrayList<>();
        Map<String, String> itemIds = new LinkedHashMap<>();
        entries(items, scope, "", entries, itemIds, file);
        String defaultId = defaultEntry(scope, items, entries, origin);
        int timeout = 5;
        if (scope.values.containsKey("timeout") && !scope.isUnknown("timeout")) {
            String t = scope.values.get("timeout").strip();
            try {
                timeout = Integer.parseInt(t);
            } catch (NumberFormatException e) {
                warnings.add(origin + ": timeout '" + t + "' is not a number; 5 s is used");
            }
        } else if (scope.isUnknown("timeout")) {
            warnings.add(origin + ": the timeout is set where nixusb cannot decide which value holds; 5 s is used");
        }
        return new BootMenu(List.copyOf(entries), defaultId, timeout < 0 ? -1 : timeout);
    }

    /** Parses and runs one file's text; a top-level {@code configfile} replaces the menu and the variables. */
    private void run(String text, String file, Scope scope, List<Item> items, String uncertain) {
        List<Node> nodes;
        try {
            nodes = GrubScript.parse(text);
        } catch (GrubScript.SyntaxError e) {
            warnings.add(file + ":" + e.line + ": GRUB would refuse this config (" + e.getMessage() + "); nixusb "
                    + "reads no entries from it");
            return;
        }
        try {
            exec(nodes, file, scope, items, uncertain);
        } catch (ConfigReplaced replaced) {
            items.clear();
            items.addAll(replaced.items);
            scope.values.clear();
            scope.unknown.clear();
            scope.values.putAll(replaced.scope.values);
            scope.unknown.addAll(replaced.scope.unknown);
        }
    }

    /** {@code configfile} at the top level: the menu that file builds replaces this one. */
    private static final class ConfigReplaced extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient List<Item> items;
        final transient Scope scope;

        ConfigReplaced(List<Item> items, Scope scope) {
            super(null, null, false, false);
            this.items = items;
            this.scope = scope;
        }
    }

    private void exec(List<Node> nodes, String file, Scope scope, List<Item> items, String uncertain) {
        for (Node n : nodes) {
            if (n instanceof Simple s) {
                simple(s, file, scope, items, uncertain);
            } else if (n instanceof If f) {
                ifCommand(f, file, scope, items, uncertain);
            } else if (n instanceof Block b) {
                block(b, file, scope, items, uncertain);
            } else if (n instanceof Loop l) {
                warnings.add(file + ":" + l.line() + ": a '" + l.keyword() + "' loop is not run by nixusb; what it "
                        + "sets is taken as unknown");
                Scope inside = scope.copy();
                List<Item> ignored = new ArrayList<>();
                exec(l.body(), file, inside, ignored, "inside a '" + l.keyword() + "' loop at " + file + ":"
                        + l.line());
                merge(scope, List.of(inside, scope.copy()));
                items.addAll(ignored);
            }
        }
    }

    private void simple(Simple s, String file, Scope scope, List<Item> items, String uncertain) {
        if (s.words().isEmpty()) {
            return;
        }
        Word first = s.words().get(0);
        String name = first.literal();
        Part head = first.parts().get(0);
        int eq = head.variable() || head.quoted() ? -1 : head.text().indexOf('=');
        if (eq > 0 && head.text().substring(0, eq).matches("[A-Za-z_][A-Za-z0-9_]*") && s.words().size() == 1) {
            // name=value: the name unquoted before the '=', the value (quotes and variables too) after it
            assign(head.text().substring(0, eq), valueAfterEquals(first, eq, scope), scope);
            return;
        }
        if (name == null) {
            return; // a command named by a variable: nothing nixusb can follow
        }
        List<Expanded> args = new ArrayList<>();
        for (Word w : s.words().subList(1, s.words().size())) {
            Expanded x = expand(w, scope);
            if (x.present()) {
                args.add(x);
            }
        }
        switch (name) {
            case "set" -> {
                for (int i = 0; i < s.words().size() - 1; i++) {
                    Word w = s.words().get(i + 1);
                    String lit = w.parts().get(0).variable() || w.parts().get(0).quoted() ? null
                            : w.parts().get(0).text();
                    int e = lit == null ? -1 : lit.indexOf('=');
                    if (e > 0) {
                        assign(lit.substring(0, e), valueAfterEquals(w, e, scope), scope);
                    }
                }
            }
            case "unset" -> args.forEach(a -> {
                scope.values.remove(a.text());
                scope.unknown.remove(a.text());
            });
            case "source", ".", "configfile" -> {
                if (args.isEmpty()) {
                    return;
                }
                Expanded target = args.get(0);
                String path = mediumPath(target.text());
                if (!target.unknown().isEmpty() || path == null) {
                    warnings.add(file + ":" + s.line() + ": '" + name + " " + target.text() + "' names a file nixusb "
                            + "cannot decide (" + describeUnknown(target) + "); its entries and settings are not read");
                    scope.unknown.add("timeout");
                    return;
                }
                boolean tooMany = depth >= MAX_DEPTH || sourcedFiles >= MAX_SOURCED;
                String text = tooMany ? null : files.apply(path);
                if (text == null) {
                    warnings.add(file + ":" + s.line() + ": '" + name + " " + path + "': "
                            + (tooMany ? "sourced files nest too deep or are too many" : "no such file on the medium")
                            + "; GRUB would stop that command with an error and go on");
                    return;
                }
                sourcedFiles++;
                String sourced = prefixOf(file) + path;
                depth++;
                try {
                    if (name.equals("configfile")) {
                        if (uncertain != null) {
                            warnings.add(file + ":" + s.line() + ": 'configfile " + path + "' " + uncertain
                                    + " is not followed");
                            return;
                        }
                        Scope fresh = scope.copy();
                        List<Item> replaced = new ArrayList<>();
                        run(text, sourced, fresh, replaced, null);
                        throw new ConfigReplaced(replaced, fresh);
                    }
                    List<Node> nodes;
                    try {
                        nodes = GrubScript.parse(text);
                    } catch (GrubScript.SyntaxError e) {
                        warnings.add(sourced + ":" + e.line + ": GRUB would refuse this file (" + e.getMessage()
                                + "); its entries are not read");
                        return;
                    }
                    exec(nodes, sourced, scope, items, uncertain);
                } finally {
                    depth--;
                }
            }
            case "search", "search.file", "search.fs_label", "search.fs_uuid" ->
                optionVariable(args, "root", scope);
            case "regexp", "probe", "smbios", "getenv" -> optionVariable(args, null, scope);
            case "read" -> args.forEach(a -> scope.forget(a.text()));
            case "load_env" -> {
                // grubenv holds what grub-reboot and savedefault wrote, or the variables named
                List<String> named = args.stream().map(Expanded::text).filter(a -> !a.startsWith("-")).toList();
                for (String v : named.isEmpty() ? List.of("saved_entry", "next_entry", "boot_once",
                        "prev_saved_entry") : named) {
                    scope.forget(v);
                }
            }
            case "eval" -> {
                warnings.add(file + ":" + s.line() + ": 'eval' is not run by nixusb; every variable it could set is "
                        + "taken as unknown where it is used");
                scope.unknown.add("*");
            }
            default -> {
                // other commands (insmod, loadfont, terminal_output, ...) do not change the menu
            }
        }
    }

    /**
     * {@code search --set=root ...}, {@code regexp --set=[N:]var}, {@code probe -s var}: the variable the command
     * sets is unknown. {@code root} stays the medium: live media search for themselves.
     */
    private static void optionVariable(List<Expanded> args, String implicit, Scope scope) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i).text();
            String var = null;
            if (a.startsWith("--set=")) {
                var = a.substring(6);
            } else if (a.equals("--set") || a.equals("-s")) {
                boolean valueFollows = i + 1 < args.size() && !args.get(i + 1).text().startsWith("-")
                        && args.get(i + 1).text().matches("(\\d+:)?[A-Za-z_][A-Za-z0-9_]*");
                var = valueFollows && implicit == null ? args.get(i + 1).text() : implicit;
            }
            if (var != null) {
                var = var.replaceFirst("^\\d+:", "");
                if (!var.equals("root")) {
                    scope.forget(var);
                }
            }
        }
    }

    private void assign(String name, Expanded value, Scope scope) {
        if (!value.unknown().isEmpty()) {
            scope.forget(name);
        } else {
            scope.set(name, value.text());
        }
    }

    /** The value of {@code name=value} in word {@code w}, where the '=' is at {@code eq} of its first part. */
    private Expanded valueAfterEquals(Word w, int eq, Scope scope) {
        List<Part> rest = new ArrayList<>();
        Part head = w.parts().get(0);
        String after = head.text().substring(eq + 1);
        if (!after.isEmpty()) {
            rest.add(new Part(after, false, head.quoted()));
        }
        rest.addAll(w.parts().subList(1, w.parts().size()));
        Expanded x = expand(new Word(rest, true), scope);
        return new Expanded(x.text(), true, x.unknown());
    }

    private void ifCommand(If f, String file, Scope scope, List<Item> items, String uncertain) {
        for (int i = 0; i < f.bodies().size(); i++) {
            List<Node> condition = f.conditions().get(i);
            Boolean value = condition == null ? Boolean.TRUE : decide(condition, scope);
            if (value == null) {
                // from here on the branch taken cannot be known: run every remaining branch on a copy, and keep
                // what they agree on
                String why = "inside an 'if' at " + file + ":" + f.line() + " whose condition nixusb cannot decide ("
                        + text(condition) + ")";
                List<Scope> outcomes = new ArrayList<>();
                boolean hasElse = false;
                for (int j = i; j < f.bodies().size(); j++) {
                    hasElse |= f.conditions().get(j) == null;
                    Scope branch = scope.copy();
                    exec(f.bodies().get(j), file, branch, items, uncertain != null ? uncertain : why);
                    outcomes.add(branch);
                }
                if (!hasElse) {
                    outcomes.add(scope.copy());
                }
                merge(scope, outcomes);
                return;
            }
            if (value) {
                exec(f.bodies().get(i), file, scope, items, uncertain);
                return;
            }
        }
    }

    /** Makes {@code into} what all {@code outcomes} agree on: a variable they leave differently is unknown. */
    private static void merge(Scope into, List<Scope> outcomes) {
        Set<String> names = new HashSet<>(into.values.keySet());
        for (Scope o : outcomes) {
            names.addAll(o.values.keySet());
            names.addAll(o.unknown);
        }
        for (String n : names) {
            String first = null;
            boolean same = true;
            boolean seen = false;
            for (Scope o : outcomes) {
                if (o.unknown.contains(n)) {
                    same = false;
                    break;
                }
                String v = o.values.get(n);
                if (!seen) {
                    first = v;
                    seen = true;
                } else if (!java.util.Objects.equals(first, v)) {
                    same = false;
                }
            }
            if (same) {
                if (first == null) {
                    into.values.remove(n);
                } else {
                    into.set(n, first);
                }
            } else {
                into.forget(n);
            }
        }
    }

    /** The value of a condition, or null when nixusb cannot know it. */
    private Boolean decide(List<Node> condition, Scope scope) {
        if (condition.isEmpty() || !(condition.get(condition.size() - 1) instanceof Simple s) || s.words().isEmpty()) {
            return null;
        }
        for (Node n : condition.subList(0, condition.size() - 1)) {
            if (!(n instanceof Simple pre) || pre.words().isEmpty() || !"true".equals(pre.words().get(0).literal())) {
                return null; // a command run for its effect first
            }
        }
        List<Expanded> words = new ArrayList<>();
        for (Word w : s.words()) {
            Expanded x = expand(w, scope);
            if (!x.unknown().isEmpty()) {
                return null;
            }
            if (x.present()) {
                words.add(x);
            }
        }
        List<String> w = words.stream().map(Expanded::text).toList();
        boolean negate = false;
        if (!w.isEmpty() && w.get(0).equals("!")) {
            negate = true;
            w = w.subList(1, w.size());
        }
        if (w.isEmpty()) {
            return null;
        }
        Boolean r;
        switch (w.get(0)) {
            case "true" -> r = w.size() == 1 ? Boolean.TRUE : null;
            case "false" -> r = w.size() == 1 ? Boolean.FALSE : null;
            case "[" -> r = w.size() >= 2 && w.get(w.size() - 1).equals("]") ? test(w.subList(1, w.size() - 1)) : null;
            case "test" -> r = test(w.subList(1, w.size()));
            default -> r = null;
        }
        return r == null ? null : r ^ negate;
    }

    /** GRUB's {@code test} for the forms a menu uses: strings, numbers and files on the medium. */
    private Boolean test(List<String> a) {
        if (a.size() > 1 && a.get(0).equals("!")) {
            Boolean inner = test(a.subList(1, a.size()));
            return inner == null ? null : !inner;
        }
        if (a.size() == 1) {
            return !a.get(0).isEmpty();
        }
        if (a.size() == 2) {
            return switch (a.get(0)) {
                case "-n" -> !a.get(1).isEmpty();
                case "-z" -> a.get(1).isEmpty();
                case "-e", "-f", "-d", "-s" -> fileTest(a.get(0), a.get(1));
                default -> null;
            };
        }
        if (a.size() == 3) {
            String x = a.get(0);
            String y = a.get(2);
            return switch (a.get(1)) {
                case "=", "==" -> x.equals(y);
                case "!=" -> !x.equals(y);
                case "-eq", "-ne", "-lt", "-le", "-gt", "-ge" -> numbers(x, a.get(1), y);
                default -> null;
            };
        }
        return null;
    }

    private Boolean fileTest(String op, String path) {
        String p = mediumPath(path);
        if (p == null) {
            return null;
        }
        return switch (op) {
            case "-e", "-f" -> exists.test(p) ? Boolean.TRUE : Boolean.FALSE;
            default -> null; // directories and sizes are not known to the reader
        };
    }

    private static Boolean numbers(String x, String op, String y) {
        try {
            long a = Long.parseLong(x.strip());
            long b = Long.parseLong(y.strip());
            return switch (op) {
                case "-eq" -> a == b;
                case "-ne" -> a != b;
                case "-lt" -> a < b;
                case "-le" -> a <= b;
                case "-gt" -> a > b;
                default -> a >= b;
            };
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void block(Block b, String file, Scope scope, List<Item> items, String uncertain) {
        if (b.keyword().equals("function")) {
            return; // not run unless called; menus call theirs for video setup, which does not change entries
        }
        List<String> positional = new ArrayList<>();
        List<String> options = new ArrayList<>();
        for (int i = 0; i < b.words().size(); i++) {
            Expanded x = expand(b.words().get(i), scope);
            String t = x.text();
            if (!x.present()) {
                continue;
            }
            if (!b.words().get(i).quoted() && t.startsWith("--")) {
                String opt = t.contains("=") ? t.substring(0, t.indexOf('=')) : t;
                if (ENTRY_OPTIONS_WITH_VALUE.contains(opt) && !t.contains("=") && i + 1 < b.words().size()) {
                    options.add(t + "=" + expand(b.words().get(++i), scope).text());
                } else {
                    options.add(t);
                }
            } else {
                positional.add(t);
            }
        }
        if (positional.isEmpty()) {
            warnings.add(file + ":" + b.line() + ": a " + b.keyword() + " without a title; GRUB refuses it");
            return;
        }
        String title = positional.get(0);
        List<String> opts = new ArrayList<>(options);
        for (String extra : positional.subList(1, positional.size())) {
            opts.add("arg=" + extra);
        }
        List<Item> children = new ArrayList<>();
        items.add(new Item(b, title, opts, file, uncertain, children));
    }

    /** Builds the entries of {@code items}: bodies run with the variables the config left. */
    private void entries(List<Item> items, Scope scope, String prefix, List<BootEntry> out,
            Map<String, String> itemIds, String origin) {
        int nesting = prefix.isEmpty() ? 0 : prefix.split(" > ").length;
        for (Item item : items) {
            String title = prefix.isEmpty() ? item.title() : prefix + " > " + item.title();
            if (item.block().keyword().equals("submenu")) {
                if (nesting >= MAX_DEPTH) {
                    warnings.add(item.file() + ":" + item.block().line() + ": submenus nest deeper than " + MAX_DEPTH
                            + " (a submenu that sources its own config?); '" + title + "' is left out");
                    continue;
                }
                if (item.whyUncertain() != null) {
                    warnings.add(item.file() + ":" + item.block().line() + ": the submenu '" + title + "' is defined "
                            + item.whyUncertain() + "; its entries are left out");
                    continue;
                }
                Scope inside = scope.copy();
                List<Item> sub = new ArrayList<>();
                try {
                    exec(item.block().body(), item.file(), inside, sub, null);
                } catch (ConfigReplaced replaced) {
                    // configfile in a submenu: the file's menu is what the submenu shows
                    sub = replaced.items;
                    inside = replaced.scope;
                }
                item.children().addAll(sub);
                entries(sub, inside, title, out, itemIds, origin);
                continue;
            }
            Scope inside = scope.copy();
            int n = 1;
            for (String o : item.options()) {
                if (o.startsWith("arg=")) {
                    inside.set(String.valueOf(n++), o.substring(4));
                }
            }
            EntryBody body = new EntryBody();
            entryBody(item.block().body(), item.file(), inside, body, null);
            String where = item.file() + ":" + item.block().line();
            if (item.whyUncertain() != null) {
                warnings.add(where + ": the entry '" + title + "' is defined " + item.whyUncertain()
                        + "; nixusb leaves it out");
                continue;
            }
            if (body.uncertain != null) {
                warnings.add(where + ": the entry '" + title + "' " + body.uncertain + "; nixusb leaves it out");
                continue;
            }
            if (body.kernel == null) {
                warnings.add(where + ": the entry '" + title + "' loads no Linux kernel and is skipped");
                continue;
            }
            String id = null;
            for (String o : item.options()) {
                if (o.startsWith("--id=")) {
                    id = o.substring(5);
                }
            }
            String entryId = id != null ? id : slug(title, out.size());
            while (itemIds.containsValue(entryId)) {
                entryId = entryId + "-" + (out.size() + 1);
            }
            itemIds.put(title, entryId);
            out.add(new BootEntry(entryId, title, body.kernel, List.copyOf(body.initrds), String.join(" ", body.args),
                    item.file()));
        }
    }

    /** What an entry's body loads. */
    private static final class EntryBody {
        String kernel;
        List<String> args = List.of();
        final List<String> initrds = new ArrayList<>();
        String uncertain;
    }

    private void entryBody(List<Node> nodes, String file, Scope scope, EntryBody body, String uncertain) {
        for (Node n : nodes) {
            if (n instanceof If f) {
                for (int i = 0; i < f.bodies().size(); i++) {
                    List<Node> condition = f.conditions().get(i);
                    Boolean value = condition == null ? Boolean.TRUE : decide(condition, scope);
                    if (value == null) {
                        String why = "inside an 'if' at " + file + ":" + f.line() + " whose condition nixusb cannot "
                                + "decide (" + text(condition) + ")";
                        EntryBody probe = new EntryBody();
                        for (int j = i; j < f.bodies().size(); j++) {
                            entryBody(f.bodies().get(j), file, scope.copy(), probe, why);
                        }
                        if (probe.kernel != null || !probe.initrds.isEmpty()) {
                            body.uncertain = "loads its kernel or initrd " + why;
                        }
                        break;
                    }
                    if (value) {
                        entryBody(f.bodies().get(i), file, scope, body, uncertain);
                        break;
                    }
                }
                continue;
            }
            if (!(n instanceof Simple s) || s.words().isEmpty()) {
                continue;
            }
            String name = s.words().get(0).literal();
            if (name == null || name.equals("configfile")) {
                continue; // an entry that opens another menu loads no kernel
            }
            boolean kernel = name.equals("linux") || name.equals("linux16") || name.equals("linuxefi");
            boolean initrd = name.equals("initrd") || name.equals("initrd16") || name.equals("initrdefi");
            if (!kernel && !initrd) {
                simple(s, file, scope, new ArrayList<>(), uncertain);
                continue;
            }
            List<String> words = new ArrayList<>();
            Set<String> unknown = new HashSet<>();
            for (Word w : s.words().subList(1, s.words().size())) {
                Expanded x = expand(w, scope);
                unknown.addAll(x.unknown());
                if (x.present()) {
                    words.add(x.text());
                }
            }
            if (!unknown.isEmpty() && body.uncertain == null) {
                body.uncertain = "uses " + String.join(", ", unknown.stream().sorted().map(v -> "${" + v + "}")
                        .toList())
                        + " in its '" + name + "' line at " + file + ":" + s.line()
                        + ", whose value nixusb cannot decide (set by a command it does not run, or only in some "
                        + "branches of an 'if')";
            }
            if (uncertain != null && body.uncertain == null) {
                body.uncertain = "runs '" + name + "' " + uncertain;
            }
            if (kernel) {
                // options that start with '--' before the path belong to the command
                int k = 0;
                while (k < words.size() && words.get(k).startsWith("--") && !words.get(k).equals("---")) {
                    k++;
                }
                if (k < words.size()) {
                    body.kernel = path(words.get(k));
                    body.args = List.copyOf(words.subList(k + 1, words.size()));
                }
                body.initrds.clear();
            } else {
                for (String w : words) {
                    if (!w.startsWith("--")) {
                        body.initrds.add(path(w));
                    }
                }
            }
        }
    }

    /** Expands a word as GRUB does: variables in and out of double quotes, none in single quotes. */
    private Expanded expand(Word w, Scope scope) {
        StringBuilder sb = new StringBuilder();
        Set<String> unknown = new HashSet<>();
        boolean onlyUnquotedVariables = !w.quoted();
        for (Part p : w.parts()) {
            if (!p.variable()) {
                sb.append(p.text());
                if (!p.text().isEmpty()) {
                    onlyUnquotedVariables = false;
                }
                continue;
            }
            String name = p.text();
            if (name.equals("root")) {
                continue; // the medium: device prefixes are dropped anyway
            }
            if (scope.isUnknown(name) || scope.unknown.contains("*") && !scope.values.containsKey(name)) {
                unknown.add(name);
                sb.append("${").append(name).append('}');
                continue;
            }
            String v = scope.values.get(name);
            sb.append(v == null ? "" : v);
        }
        boolean present = !(onlyUnquotedVariables && sb.length() == 0);
        return new Expanded(sb.toString(), present, unknown);
    }

    private static String describeUnknown(Expanded x) {
        return x.unknown().isEmpty() ? "not a path on the medium"
                : "it uses " + String.join(", ", x.unknown().stream().sorted().map(v -> "${" + v + "}").toList());
    }

    /** The default: {@code default} as GRUB reads it (index, "submenu>entry", id or title), else the first. */
    private String defaultEntry(Scope scope, List<Item> items, List<BootEntry> entries, String origin) {
        if (entries.isEmpty()) {
            return null;
        }
        String fallback = entries.get(0).id();
        if (scope.isUnknown("default")) {
            warnings.add(origin + ": the default entry is set where nixusb cannot decide which value holds; the "
                    + "first entry is the default");
            return fallback;
        }
        String d = scope.values.getOrDefault("default", "0").strip();
        List<Item> level = items;
        String prefix = "";
        String[] steps = d.split(">");
        Item chosen = null;
        for (String step : steps) {
            Item found = null;
            try {
                int idx = Integer.parseInt(step.strip());
                if (idx >= 0 && idx < level.size()) {
                    found = level.get(idx);
                }
            } catch (NumberFormatException byName) {
                for (Item i : level) {
                    if (step.equals(i.title()) || i.options().contains("--id=" + step)) {
                        found = i;
                        break;
                    }
                }
            }
            if (found == null) {
                break;
            }
            chosen = found;
            prefix = prefix.isEmpty() ? found.title() : prefix + " > " + found.title();
            level = found.children();
        }
        if (chosen != null && !chosen.block().keyword().equals("submenu")) {
            for (BootEntry e : entries) {
                if (e.title().equals(prefix)) {
                    return e.id();
                }
            }
        }
        for (BootEntry e : entries) {
            if (d.equals(e.id()) || d.equals(e.title())) {
                return e.id();
            }
        }
        if (!d.equals("0")) {
            warnings.add(origin + ": the default '" + d + "' is not a Linux entry nixusb keeps; the first entry is "
                    + "the default");
        }
        return fallback;
    }

    /** "(cd0)/boot//x" and "()/x" become "/boot/x" and "/x"; null for a path on another device's block list. */
    static String path(String p) {
        String s = p.replaceFirst("^\\([^)]*\\)", "");
        s = s.replaceAll("/+", "/");
        return s.startsWith("/") ? s : "/" + s;
    }

    /** A path on the medium from a word, or null when it names something else (a block list, a device alone). */
    private static String mediumPath(String p) {
        String s = path(p);
        return s.contains("+") && s.matches("/?\\d*\\+\\d+.*") ? null : s;
    }

    /** The image part of an origin ({@code image!}), to name sourced files. */
    private static String prefixOf(String origin) {
        int bang = origin.indexOf('!');
        return bang < 0 ? "" : origin.substring(0, bang + 1);
    }

    private static String text(List<Node> condition) {
        if (condition == null || condition.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (Node n : condition) {
            if (n instanceof Simple s) {
                for (Word w : s.words()) {
                    sb.append(sb.length() == 0 ? "" : " ").append(w.raw());
                }
            }
        }
        return sb.toString();
    }

    private static String slug(String title, int index) {
        String s = title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        return s.isEmpty() ? "entry-" + (index + 1) : s;
    }
}
